// A "tick all" box ticks every box of its form.
document.querySelectorAll("[data-picks]").forEach(function (all) {
  all.addEventListener("change", function () {
    document.querySelectorAll("input[form='" + all.getAttribute("data-picks") + "'][type=checkbox]")
      .forEach(function (box) { box.checked = all.checked; });
  });
});
