// The order page (templates/shop/order.html): says each production step done in the live region
// outside the tracker, which htmx swaps. A file: the pages' CSP allows no inline script.
(function () {
  var last = null;
  document.addEventListener("htmx:after:swap", function () {
    var steps = document.querySelector("#tracker [data-steps]");
    var said = steps ? steps.textContent.trim() : "";
    if (last !== null && said && said !== last) document.getElementById("tracker-announce").textContent = said;
    last = said;
  });
  document.addEventListener("DOMContentLoaded", function () {
    var steps = document.querySelector("#tracker [data-steps]");
    last = steps ? steps.textContent.trim() : "";
  });
})();
