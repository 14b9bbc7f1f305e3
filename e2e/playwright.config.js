// Agent console end-to-end tests in the system's Chromium (no browser download).
// `cargo xtask test` starts a desk with e2e/desk.toml-like settings and sets DESK_URL.
const { defineConfig } = require('@playwright/test');

module.exports = defineConfig({
  testDir: './tests',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  use: {
    baseURL: process.env.DESK_URL || 'http://127.0.0.1:18091',
    viewport: { width: 1360, height: 860 },
    // In e2e/test-results/ when a test fails.
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: [
        '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
        '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      ],
    },
  },
});
