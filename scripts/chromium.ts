// Debian's Chromium as the card gallery and the browser tests start it: never a downloaded browser, no
// sandbox (CI runs as root in a container), nothing that reaches out to the network on its own.

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
