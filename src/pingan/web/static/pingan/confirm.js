/* pingan — the shared confirmation dialog.
 *
 * Convention (docs/interface.md): a <form data-confirm="question"> or a submit button with
 * data-confirm="question" asks the question in a modal <dialog> before it submits.
 * data-confirm-ok="label" names the confirming button (default: the dialog's own label).
 * Without JavaScript the form simply submits; the server keeps its own guards.
 */
(function () {
  "use strict";
  var dialog = document.getElementById("pingan-confirm");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var text = document.getElementById("pingan-confirm-text");
  var ok = dialog.querySelector("[data-confirm-ok]");
  var cancel = dialog.querySelector("[data-confirm-cancel]");
  var okDefault = ok.textContent;
  var pending = null;

  function question(form, submitter) {
    if (submitter && submitter.hasAttribute("data-confirm")) {
      return { text: submitter.getAttribute("data-confirm"), ok: submitter.getAttribute("data-confirm-ok") };
    }
    if (form.hasAttribute("data-confirm")) {
      return { text: form.getAttribute("data-confirm"), ok: form.getAttribute("data-confirm-ok") };
    }
    return null;
  }

  function close(confirmed) {
    var current = pending;
    pending = null;
    dialog.close();
    if (!current) { return; }
    if (confirmed) {
      current.form.setAttribute("data-confirmed", "1");
      if (current.form.requestSubmit) {
        current.form.requestSubmit(current.submitter || undefined);
      } else {
        current.form.submit();
      }
    } else if (current.submitter) {
      current.submitter.focus();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    if (form.getAttribute("data-confirmed") === "1") {
      form.removeAttribute("data-confirmed");
      return;
    }
    var asked = question(form, event.submitter);
    if (!asked) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    pending = { form: form, submitter: event.submitter || null };
    text.textContent = asked.text;
    ok.textContent = asked.ok || okDefault;
    dialog.showModal();
    cancel.focus();
  }, true);

  ok.addEventListener("click", function () { close(true); });
  cancel.addEventListener("click", function () { close(false); });
  dialog.addEventListener("cancel", function (event) { event.preventDefault(); close(false); });
  dialog.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") { return; }
    var first = cancel, last = ok;
    if (ok.compareDocumentPosition(cancel) & Node.DOCUMENT_POSITION_FOLLOWING) { first = ok; last = cancel; }
    if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
  });
})();
