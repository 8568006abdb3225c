// forms.js: keeps an input's lower bound at another input's value, so
// that a browser refuses an end date before its start (or a "to" month
// before its "from") when the form is sent, with what was typed kept,
// rather than the server refusing it on a page of its own:
// <input id="end" data-min-of="start">. The server checks the same.
(function () {
  'use strict';

  function bind(input) {
    var from = document.getElementById(input.getAttribute('data-min-of'));
    if (!from) {
      return;
    }
    var sync = function () {
      if (from.value) {
        input.min = from.value;
      } else {
        input.removeAttribute('min');
      }
    };
    from.addEventListener('input', sync);
    from.addEventListener('change', sync);
    sync();
  }

  var inputs = document.querySelectorAll('input[data-min-of]');
  for (var i = 0; i < inputs.length; i++) {
    bind(inputs[i]);
  }
})();
