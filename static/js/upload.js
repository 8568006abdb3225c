// Drag and drop onto the upload form: a dropped file is put in the form's
// file input and the form is sent, as if it had been chosen. Without this
// script the file input works on its own.
(function () {
  'use strict';
  function init() {
    document.querySelectorAll('form[data-dropzone]').forEach(function (form) {
      var input = form.querySelector('input[type=file]');
      if (!input) { return; }
      ['dragenter', 'dragover'].forEach(function (name) {
        form.addEventListener(name, function (e) {
          e.preventDefault();
          form.classList.add('is-dragging');
        });
      });
      ['dragleave', 'drop'].forEach(function (name) {
        form.addEventListener(name, function () { form.classList.remove('is-dragging'); });
      });
      form.addEventListener('drop', function (e) {
        e.preventDefault();
        if (!e.dataTransfer || e.dataTransfer.files.length !== 1) { return; }
        input.files = e.dataTransfer.files;
        form.requestSubmit();
      });
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
