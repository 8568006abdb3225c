// Filters the overview's measures as the reader types, without a round
// trip: the form still works without JavaScript (GET /?q=).
(function () {
  "use strict";
  var input = document.querySelector("input[data-filter-rows]");
  if (!input) return;
  var rows = document.querySelectorAll(input.getAttribute("data-filter-rows"));
  var status = document.getElementById("filter-status");
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var name = (row.getAttribute("data-name") || "").toLowerCase();
      var match = words.every(function (w) { return name.indexOf(w) >= 0; });
      row.hidden = !match;
      if (match) shown++;
    });
    if (status) status.textContent = shown + (shown === 1 ? " measure" : " measures") + (words.length ? " matching “" + input.value.trim() + "”" : "") + "; exceptions first.";
  });
})();
