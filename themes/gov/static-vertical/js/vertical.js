/* 蒙古文版: a page written in vertical columns scrolls sideways (css/vertical.css), so the wheel
 * and the page keys move along the reading direction, left to right.
 *
 * Browsers scroll a vertical page with the wheel and Page Down only up and down, where it has
 * nothing to show; this maps them to the horizontal scroll, leaving alone what already scrolls
 * sideways (a horizontal wheel, a touchpad swipe, Shift+wheel), zooming (Ctrl+wheel), typing in
 * form fields and any inner box that scrolls vertically itself. Touch and the scrollbar work
 * without it; without JavaScript the page still scrolls with the scrollbar, arrow keys and touch.
 */
(function () {
  "use strict";
  var root = document.scrollingElement || document.documentElement;

  function scrollsVertically(node) {
    for (; node && node !== document.body && node.nodeType === 1; node = node.parentNode) {
      var style = window.getComputedStyle(node);
      if (/(auto|scroll)/.test(style.overflowY) && node.scrollHeight > node.clientHeight) return true;
    }
    return false;
  }

  function typing(node) {
    return node && (node.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(node.tagName));
  }

  window.addEventListener("wheel", function (event) {
    if (event.ctrlKey || event.shiftKey || Math.abs(event.deltaX) >= Math.abs(event.deltaY)) return;
    if (scrollsVertically(event.target)) return;
    var step = event.deltaMode === 1 ? event.deltaY * 32 : event.deltaMode === 2 ? event.deltaY * root.clientWidth : event.deltaY;
    root.scrollLeft += step;
    event.preventDefault();
  }, { passive: false });

  window.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    var page = root.clientWidth * 0.9;
    var moves = { PageDown: page, PageUp: -page, ArrowDown: 40, ArrowUp: -40, " ": event.shiftKey ? -page : page };
    if (event.key === " " && event.target && /^(BUTTON|A|SUMMARY)$/.test(event.target.tagName)) return;
    if (event.key === "Home" || event.key === "End") {
      root.scrollLeft = event.key === "Home" ? 0 : root.scrollWidth;
    } else if (Object.prototype.hasOwnProperty.call(moves, event.key)) {
      root.scrollLeft += moves[event.key];
    } else {
      return;
    }
    event.preventDefault();
  });
})();
