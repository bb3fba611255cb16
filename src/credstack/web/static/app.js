// Progressive enhancement only: every page works without this file.
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button || !navigator.clipboard) return;
  navigator.clipboard.writeText(button.dataset.copy).then(() => {
    const status = document.getElementById(button.getAttribute("aria-controls") || "");
    if (status) status.textContent = "Copied.";
  });
});
// Copy buttons are hidden until the script can make them work.
for (const button of document.querySelectorAll("button[data-copy]")) button.hidden = false;
