// atc-kb trigger pages: the input arguments of an atomic test become text fields, and the commands show
// what is typed in place of each #{name} placeholder. Values only ever become text nodes (textContent):
// nothing is parsed as markup and nothing runs. Copy buttons (site.js) copy the commands as shown.
// Without this script the commands read as written, next to the table of defaults.
(function () {
  'use strict';
  var forms = document.querySelectorAll('form.atomic-inputs');
  if (forms.length === 0) return;

  // The places of each argument in the commands, by the id of its input (span.arg[data-input]).
  var places = {};
  Array.prototype.forEach.call(document.querySelectorAll('span.arg[data-input]'), function (span) {
    var key = span.getAttribute('data-input');
    (places[key] = places[key] || []).push(span);
  });

  function show(input) {
    (places[input.id] || []).forEach(function (span) {
      span.textContent = input.value;
      if (input.value === input.defaultValue) span.removeAttribute('data-changed');
      else span.setAttribute('data-changed', '');
    });
  }

  Array.prototype.forEach.call(forms, function (form) {
    var inputs = Array.prototype.slice.call(form.querySelectorAll('input.arg-input'));
    Array.prototype.forEach.call(form.querySelectorAll('[hidden]'), function (element) { element.hidden = false; });
    Array.prototype.forEach.call(form.querySelectorAll('.arg-default'), function (element) { element.hidden = true; });
    inputs.forEach(function (input) {
      input.addEventListener('input', function () { show(input); });
      // A value the browser restored (back button) counts from the start.
      show(input);
    });
    // Enter in a field would reload the page: there is nothing to send.
    form.addEventListener('submit', function (event) { event.preventDefault(); });
    // "reset" fires before the fields change back.
    form.addEventListener('reset', function () { setTimeout(function () { inputs.forEach(show); }, 0); });
  });
})();
