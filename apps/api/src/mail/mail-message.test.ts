import { describe, expect, it } from 'vitest';
import { emailLink, passwordResetMessage, verificationMessage } from './account-messages.js';
import { composeMessage, escapeHtml } from './mail-message.js';

describe('composeMessage', () => {
  it('says the same in plain text and HTML, with the product name, and escapes every value in the HTML', () => {
    const message = composeMessage({
      to: 'ada@example.com',
      subject: 'hello <b>',
      paragraphs: ['The account "<script>alert(1)</script>" & friends.'],
      action: { label: 'Open', url: 'https://app.example.com/page#token=a"b<c' },
    });
    expect(message.subject).toBe('Latchkey: hello <b>');
    expect(message.text).toContain('The account "<script>alert(1)</script>" & friends.');
    expect(message.text).toContain('Open:\nhttps://app.example.com/page#token=a"b<c');
    expect(message.text).toContain('— Latchkey');
    expect(message.html).not.toContain('<script>');
    expect(message.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot; &amp; friends.');
    expect(message.html).toContain('href="https://app.example.com/page#token=a&quot;b&lt;c"');
    expect(message.html).toContain('<title>hello &lt;b&gt;</title>');
  });

  it('has no remote image, stylesheet, script or tracking link: the one link is the action', () => {
    const message = passwordResetMessage({
      to: 'ada@example.com',
      username: 'ada',
      link: emailLink('https://app.example.com', 'reset-password', 'lke_abc'),
      ttlSeconds: 1800,
    });
    expect(message.html).not.toMatch(/<img|<link|<script|<style|src=|url\(/i);
    expect([...message.html.matchAll(/href="([^"]+)"/g)].map((match) => match[1])).toEqual([
      'https://app.example.com/reset-password#token=lke_abc',
    ]);
    expect(message.text).toContain('within 30 minutes');
  });

  it('puts the token in the fragment, which browsers send neither to the server nor in a Referer', () => {
    const url = new URL(emailLink('https://app.example.com/base', 'verify-email', 'lke_x+y'));
    expect(url.pathname).toBe('/base/verify-email');
    expect(url.search).toBe('');
    expect(url.hash).toBe('#token=lke_x%2By');
    expect(
      verificationMessage({ to: 'a@b.co', username: 'ada', link: url.href, ttlSeconds: 86_400 }).text,
    ).toContain('within 1 day');
  });

  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
