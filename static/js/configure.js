// The live configurator (templates/shop/configure.html): which option was just set, typing kept
// across swaps, and the live region. A file, not an inline script: the pages' CSP allows no inline script.
(function () {
  // Back and forward load the page of that spec afresh (each answer pushed its own URL).
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) window.htmx.config.history = "reload";
  });
  // The option the customer just set: the configurator keeps it and clears the earlier
  // choices it conflicts with (the `prefer` of the configure answer).
  function prefer(event) {
    var field = event.target, form = field.form;
    if (form && form.id === "configurator" && field.name && field.name !== "prefer") {
      form.elements.prefer.value = field.name;
    }
  }
  document.addEventListener("change", prefer, true);
  document.addEventListener("input", prefer, true);
  // A number still being typed when an answer arrives keeps what was typed since it was sent,
  // and is sent again after the pause.
  var typing = null;
  document.addEventListener("htmx:before:swap", function () {
    var field = document.activeElement;
    typing = field && field.tagName === "INPUT" && field.form && field.form.id === "configurator"
      ? {id: field.id, value: field.value} : null;
  });
  document.addEventListener("htmx:after:swap", function () {
    if (typing) {
      var field = document.getElementById(typing.id);
      if (field && field.value !== typing.value) {
        field.value = typing.value;
        field.dispatchEvent(new Event("input", {bubbles: true}));
      }
    }
    var said = document.querySelector("#live [data-announce]");
    if (said) document.getElementById("announce").textContent = said.textContent.trim();
  });
})();
