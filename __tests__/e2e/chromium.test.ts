import { describe, expect, test } from '@jest/globals';
import { chromiumPath, launchChromium } from '../helpers/chromium.ts';

describe('the browser tests’ Chromium', () => {
  test('is Debian’s unless WHARF_CHROMIUM names another', () => {
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
    expect(chromiumPath({ WHARF_CHROMIUM: '/opt/chromium/chrome' })).toBe('/opt/chromium/chrome');
  });

  test('when missing, fails the tests saying how to install it', async () => {
    await expect(launchChromium({ executablePath: '/nonexistent/chromium' })).rejects.toThrow(
      /Chromium is not installed at \/nonexistent\/chromium: install .*apt-get install -y --no-install-recommends chromium.*WHARF_CHROMIUM/,
    );
  });
});
