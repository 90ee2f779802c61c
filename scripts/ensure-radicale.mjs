// The CalDAV tests run against a real Radicale. On a fresh machine, install it before the tests run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const RADICALE = '/usr/bin/radicale';
if (!existsSync(RADICALE)) {
  const asRoot = process.getuid?.() === 0;
  const apt = existsSync('/usr/bin/apt-get');
  if (!asRoot || !apt) {
    console.error(`The CalDAV tests need ${RADICALE}. Install it with: sudo apt-get install -y radicale`);
    process.exit(1);
  }
  console.log('Installing Radicale for the CalDAV tests (apt-get install radicale)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'radicale'], { stdio: 'inherit', env });
}
