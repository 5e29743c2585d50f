/* The search page: Pagefind's interface, fitted to how sitegen/search.py builds the index.
   In a language indexed in pairs of characters (Chinese), a query is asked as the code words of
   its pairs, and what the results show is turned back into characters; in the others, the parts
   of joined words the index adds are cut out of it. */
(function () {
  "use strict";
  var ASCII_WORD = /^[A-Za-z0-9]+$/;
  var PIECE = /[A-Za-z0-9]+|[\p{L}\p{N}]|[^\p{L}\p{N}_\s]+|\s+/gu;  /* as _PIECE in search.py */

  function codeWord(characters) {
    return "u" + characters.map(function (c) { return ("0000" + c.codePointAt(0).toString(16)).slice(-5); }).join("");
  }

  /* As sitegen.search.spelled, but a query asks for the pairs of each run (定海区 → 定海 海区),
     or for a lone character (the start of every pair it begins), and ASCII words as typed. */
  function spelledTerm(term) {
    var words = [], run = [];
    function endRun() {
      if (run.length === 1) words.push(codeWord(run));
      for (var i = 0; i + 1 < run.length; i++) words.push(codeWord(run.slice(i, i + 2)));
      run = [];
    }
    (term.match(PIECE) || []).forEach(function (piece) {
      if (/^[\p{L}\p{N}]$/u.test(piece) && !ASCII_WORD.test(piece)) { run.push(piece); return; }
      endRun();
      if (ASCII_WORD.test(piece)) words.push(piece.toLowerCase());
    });
    endRun();
    return words.length ? words.join(" ") : term;
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* Code words back into characters (a pair's word shows its first), only the text's own spaces
     (marked in the index), and what was typed marked (the index marks code words, which show
     one character each). */
  function unspell(text, typed) {
    text = (text || "")
      .replace(/\bu((?:[0-9a-f]{5})+)\b/g, function (_, hex) { return String.fromCodePoint(parseInt(hex.slice(0, 5), 16)); })
      .replace(/<\/?mark>/g, "")
      .replace(/ +/g, "")  /* every plain space parts words of the index; the text's are marks */
      .replace(/\ue002+/g, " ");
    var pieces = (typed.match(/[^\s\p{P}\p{S}]+/gu) || []).sort(function (a, b) { return b.length - a.length; });
    if (!pieces.length) return text;
    return text.replace(new RegExp(pieces.map(escapeRegExp).join("|"), "giu"), "<mark>$&</mark>");
  }

  /* Without the added parts, even where an excerpt begins or ends inside them; a part the
     search matched there is marked where the text itself has it. */
  function unjoin(text) {
    var matched = [];
    text = (text || "").replace(/\s*\ue000[^\ue001]*\ue001|^[^\ue000]*\ue001\s*|\s*\ue000[^\ue001]*$/g, function (added) {
      added.replace(/<mark>([^<]*)<\/mark>/g, function (_, word) { matched.push(word); });
      return "";
    });
    matched.forEach(function (word) {
      var plain = new RegExp("(^|[^\\p{L}>])(" + word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ")(?![\\p{L}<])", "iu");
      text = text.replace(plain, "$1<mark>$2</mark>");
    });
    return text;
  }

  /* How this page asks the index (the tests ask it the same way): what a query becomes before
     Pagefind sees it, and the ranking. A word that matches the query exactly counts for much
     more than a longer word it begins (count, county). */
  window.bookletSearch = {
    term: function (term) {
      var box = document.getElementById("search");
      return box && box.dataset.spelled === "true" ? spelledTerm(term) : term;
    },
    options: { ranking: { termSimilarity: 8 } }
  };

  window.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("search");
    if (location.protocol === "file:" || typeof PagefindUI === "undefined" || !box) {
      document.getElementById("search-unavailable").hidden = false;
      return;
    }
    var spelled = box.dataset.spelled === "true", label = box.dataset.label;
    function shown(text, marked) {  /* a title is shown as text: nothing marked in it */
      var input = box.querySelector("input");
      return spelled ? unspell(text, marked && input ? input.value : "") : unjoin(text);
    }
    var ranking = window.bookletSearch.options.ranking;
    new PagefindUI({
      element: "#search", showSubResults: true, showImages: false,
      /* A large site's index comes in several bundles: searched as one, each ranked alike (their
         paths from the site's root: Pagefind would take them from its own folder). */
      mergeIndex: (box.dataset.merge || "").split(" ").filter(Boolean).map(function (path) {
        return { bundlePath: new URL(path, location.href).pathname, ranking: ranking };
      }),
      resetStyles: false, translations: { placeholder: label }, ranking: window.bookletSearch.options.ranking,
      excerptLength: spelled ? 60 : 30,  /* words: a character is one */
      processTerm: window.bookletSearch.term,
      processResult: function (result) {
        result.meta.title = shown(result.meta.title, false);
        result.excerpt = shown(result.excerpt, true);
        (result.sub_results || []).forEach(function (sub) {
          sub.title = shown(sub.title, false);
          sub.excerpt = shown(sub.excerpt, true);
        });
        return result;
      }
    });
    var input = box.querySelector("input");
    if (input) input.setAttribute("aria-label", label);
  });
})();
