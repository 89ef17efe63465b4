// The API reference's console: sends one operation with the token typed on the page (never
// stored) and shows the status and the answer. Operations with path parameters are read-only
// here: the reference lists them, a program sends them.
(function () {
  "use strict";
  var token = document.getElementById("token");
  document.querySelectorAll("form.api-try").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var output = form.querySelector("output");
      var headers = { "Accept": "application/json" };
      if (token && token.value) headers["Authorization"] = "Bearer " + token.value.trim();
      var options = { method: form.dataset.method, headers: headers };
      var body = form.querySelector("textarea");
      if (body) {
        headers["Content-Type"] = "application/json";
        options.body = body.value;
      }
      output.textContent = "…";
      fetch(form.dataset.path, options)
        .then(function (response) {
          return response.text().then(function (text) {
            try { text = JSON.stringify(JSON.parse(text), null, 2); } catch (e) { /* not JSON */ }
            output.textContent = response.status + " " + response.statusText + "\n" + text;
          });
        })
        .catch(function (error) { output.textContent = String(error); });
    });
  });
})();
