import { initAll } from "./govuk-frontend.min.js";

initAll();

// A form marked data-progress shows its progress message once submitted: a national register's
// workbook takes a while to check, and the page must not look stuck.
for (const form of document.querySelectorAll("form[data-progress]")) {
  form.addEventListener("submit", () => {
    const message = document.getElementById(form.dataset.progress);
    if (message) {
      message.hidden = false;
      message.textContent = message.dataset.text;
    }
    const button = form.querySelector("button[type=submit], input[type=submit]");
    if (button) {
      button.setAttribute("aria-disabled", "true");
    }
  });
}
