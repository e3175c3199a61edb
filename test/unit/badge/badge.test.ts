import { afterEach, describe, expect, it, vi } from 'vitest';
import { BADGE_BLOCKED_COLOR, BADGE_LIKELY_COLOR, applyBadge, badgeFor } from '../../../src/background/badge.ts';

describe('badgeFor', () => {
  it('shows the blocked count in red on a captured tab', () => {
    const b = badgeFor({ capturing: true, blocked: 3, likelyCorsFailures: 7 });
    expect(b.text).toBe('3');
    expect(b.color).toBe(BADGE_BLOCKED_COLOR);
    expect(b.title).toBe('3 requests blocked by CORS on this tab; open Corsight for the fix');
    expect(badgeFor({ capturing: true, blocked: 1, likelyCorsFailures: 0 }).title).toMatch(/^1 request blocked/);
  });

  it('shows likely-CORS failures as "~N" in amber on a tab not captured', () => {
    const b = badgeFor({ capturing: false, blocked: 0, likelyCorsFailures: 3 });
    expect(b).toMatchObject({ text: '~3', color: BADGE_LIKELY_COLOR, title: '3 failed requests look like CORS errors; open Corsight to diagnose' });
    expect(badgeFor({ capturing: false, blocked: 0, likelyCorsFailures: 1 }).title).toBe('1 failed request looks like a CORS error; open Corsight to diagnose');
    expect(BADGE_LIKELY_COLOR).not.toBe(BADGE_BLOCKED_COLOR);
  });

  it('ignores the blocked count when not capturing and the guess when capturing', () => {
    expect(badgeFor({ capturing: false, blocked: 5, likelyCorsFailures: 0 }).text).toBe('');
    expect(badgeFor({ capturing: true, blocked: 0, likelyCorsFailures: 5 }).text).toBe('');
  });

  it('says TRY, whatever else the tab has, while a trial modifies its responses', () => {
    const b = badgeFor({ capturing: true, blocked: 4, likelyCorsFailures: 0, trialOrigins: ['https://api.example.com'] });
    expect(b.text).toBe('TRY');
    expect(b.title).toContain('https://api.example.com');
    expect(b.title).toMatch(/being modified/);
    expect(badgeFor({ capturing: true, blocked: 4, likelyCorsFailures: 0, trialOrigins: [] }).text).toBe('4');
  });

  it('shows nothing on a clean tab', () => {
    expect(badgeFor({ capturing: false, blocked: 0, likelyCorsFailures: 0 }).text).toBe('');
    expect(badgeFor({ capturing: true, blocked: 0, likelyCorsFailures: 0 }).text).toBe('');
  });

  it('caps at four characters; the title keeps the exact number', () => {
    expect(badgeFor({ capturing: true, blocked: 999, likelyCorsFailures: 0 }).text).toBe('999');
    const big = badgeFor({ capturing: true, blocked: 1000, likelyCorsFailures: 0 });
    expect(big.text).toBe('999+');
    expect(big.title).toMatch(/^1000 requests/);
    expect(badgeFor({ capturing: false, blocked: 0, likelyCorsFailures: 99 }).text).toBe('~99');
    expect(badgeFor({ capturing: false, blocked: 0, likelyCorsFailures: 100 }).text).toBe('~99+');
    expect(badgeFor({ capturing: false, blocked: 0, likelyCorsFailures: 123456 }).title).toMatch(/^123456 failed/);
    for (const n of [1, 9, 10, 99, 100, 999, 1000, 1e9]) {
      expect(badgeFor({ capturing: true, blocked: n, likelyCorsFailures: 0 }).text.length).toBeLessThanOrEqual(4);
      expect(badgeFor({ capturing: false, blocked: 0, likelyCorsFailures: n }).text.length).toBeLessThanOrEqual(4);
    }
  });

  it('treats negative, fractional and non-finite counts safely', () => {
    expect(badgeFor({ capturing: true, blocked: -2, likelyCorsFailures: 0 }).text).toBe('');
    expect(badgeFor({ capturing: true, blocked: Number.NaN, likelyCorsFailures: 0 }).text).toBe('');
    expect(badgeFor({ capturing: true, blocked: Number.POSITIVE_INFINITY, likelyCorsFailures: 0 }).text).toBe('');
    expect(badgeFor({ capturing: true, blocked: 2.7, likelyCorsFailures: 0 }).text).toBe('2');
  });
});

describe('applyBadge', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sets text, colors and title for the tab, and never throws', async () => {
    const calls: Array<[string, unknown]> = [];
    const rec = (name: string) => async (arg: unknown) => void calls.push([name, arg]);
    vi.stubGlobal('chrome', {
      action: {
        setBadgeText: rec('text'),
        setBadgeBackgroundColor: rec('color'),
        setBadgeTextColor: rec('textColor'),
        setTitle: rec('title'),
      },
    });
    const badge = badgeFor({ capturing: true, blocked: 3, likelyCorsFailures: 0 });
    await applyBadge(7, badge);
    expect(calls).toEqual([
      ['text', { tabId: 7, text: '3' }],
      ['color', { tabId: 7, color: BADGE_BLOCKED_COLOR }],
      ['textColor', { tabId: 7, color: '#ffffff' }],
      ['title', { tabId: 7, title: badge.title }],
    ]);
    vi.stubGlobal('chrome', { action: { setBadgeText: async () => Promise.reject(new Error('No tab with id: 7')), setBadgeBackgroundColor: async () => {}, setTitle: async () => {} } });
    await expect(applyBadge(7, badge)).resolves.toBeUndefined();
    vi.stubGlobal('chrome', undefined);
    await expect(applyBadge(7, badge)).resolves.toBeUndefined();
  });
});
