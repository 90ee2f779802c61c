// The browser tests drive Debian's Chromium. On a fresh machine, install it before the tests run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  const asRoot = process.getuid?.() === 0;
  const apt = existsSync('/usr/bin/apt-get');
  if (!asRoot || !apt) {
    console.error(`The browser tests need ${CHROMIUM}. Install it with: sudo apt-get install -y chromium`);
    process.exit(1);
  }
  console.log(`Installing Chromium for the browser tests (apt-get install chromium)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
}
