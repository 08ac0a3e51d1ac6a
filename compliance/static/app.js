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

// Wide tables (templates/macros/tables.html): the sign "Scroll the table sideways to see more"
// shows only while the table is wider than its region, measured now and whenever the window
// changes size.
const scrollTables = document.querySelectorAll(".app-scroll-table");
function markScrollTables() {
  for (const wrapper of scrollTables) {
    const region = wrapper.querySelector(".app-scroll-table__region");
    const scrolls = region.scrollWidth > region.clientWidth + 1;
    wrapper.classList.toggle("app-scroll-table--scrolls", scrolls);
    wrapper.classList.toggle("app-scroll-table--fits", !scrolls);
  }
}
if (scrollTables.length) {
  markScrollTables();
  window.addEventListener("resize", markScrollTables);
}
