// A form with data-confirm asks before it is sent (the order page's Cancel). A file, not an
// onsubmit attribute: the pages' CSP allows no inline script.
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
}, true);
