// A new image's title, made readable from its file name:
// "morning-tide_02.jpg" → "Morning tide 02" (Wagtail already drops the extension).
// Wagtail fires `wagtail:images-upload` before it fills the title, in the
// multiple uploader and in the chooser's upload form alike, and uses
// whatever title the listener leaves in event.detail.data.
document.addEventListener("wagtail:images-upload", (event) => {
  const data = event.detail.data;
  let title = data.title
    .replace(/[_-]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  if (!title) {
    return; // a file named "_.jpg" keeps Wagtail's own default
  }
  // Only the first letter: names keep their capitals ("Venice San Marco").
  title = title.charAt(0).toLocaleUpperCase() + title.slice(1);
  const max = event.detail.maxTitleLength;
  data.title = max ? title.slice(0, max) : title;
});
