// Small enhancements; every page works without them.
(function () {
  "use strict";

  // The language switch keeps the reader at the section they were reading:
  // sections share their anchors across languages.
  document.querySelectorAll(".lang-switch a[rel=alternate]").forEach(function (link) {
    link.addEventListener("click", function () {
      if (location.hash && link.href.indexOf("#") === -1) link.href += location.hash;
    });
  });

  // Glossary terms: a tap or Enter shows the explanation in place instead of jumping to the note.
  function close(except) {
    document.querySelectorAll(".gloss.open").forEach(function (gloss) {
      if (gloss !== except) {
        gloss.classList.remove("open");
        gloss.querySelector(".term").setAttribute("aria-expanded", "false");
      }
    });
  }
  document.querySelectorAll(".gloss .term").forEach(function (term) {
    term.setAttribute("aria-expanded", "false");
    term.addEventListener("click", function (event) {
      event.preventDefault();
      var gloss = term.parentNode, open = !gloss.classList.contains("open");
      close(gloss);
      gloss.classList.toggle("open", open);
      term.setAttribute("aria-expanded", String(open));
    });
  });
  document.addEventListener("keydown", function (event) { if (event.key === "Escape") close(null); });
  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest(".gloss")) close(null);
  });

  // The section list marks the section being read.
  var links = document.querySelectorAll(".sections a");
  if (links.length && "IntersectionObserver" in window) {
    var byId = {};
    links.forEach(function (link) { byId[link.getAttribute("href").slice(1)] = link; });
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting && byId[entry.target.id]) {
          links.forEach(function (link) { link.removeAttribute("aria-current"); });
          byId[entry.target.id].setAttribute("aria-current", "true");
        }
      });
    }, { rootMargin: "0px 0px -70% 0px" });
    Object.keys(byId).forEach(function (id) {
      var heading = document.getElementById(id);
      if (heading) observer.observe(heading);
    });
  }
})();
