/**
 * Looking at rendered pages as a person would, in Debian's Chromium through
 * playwright-core: network blocked, charts counted, tooltips hovered,
 * screenshots saved to artifacts/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoPaths } from '../scripts/lib/paths';

export const SCREENSHOTS = join(repoPaths().root, 'artifacts', 'screenshots');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A context where only file:// loads; every other request is aborted and recorded. */
export async function offlineContext(browser: Browser, options: { javaScriptEnabled: boolean }): Promise<{ context: BrowserContext; blocked: string[] }> {
  const context = await browser.newContext({ ...options, viewport: { width: 1280, height: 900 } });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  return { context, blocked };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface ChartState {
  id: string;
  state: string | null;
  error: string | null;
  /** Drawn elements of the static picture (its SVG, decoded) and visible data marks of the interactive view. */
  staticMarks: number;
  interactiveMarks: number;
  staticVisible: boolean;
  interactiveVisible: boolean;
}

/** What each tfjs-doctor chart on the page shows. */
export function chartStates(page: Page): Promise<ChartState[]> {
  return page.$$eval('div.tfjs-doctor-chart', (charts) =>
    charts.map((chart) => {
      const marks = (root: Element | null) =>
        root ? root.querySelectorAll('g[class*="role-mark"] > :not(g):not([opacity="0"])').length : 0;
      const visible = (element: Element | null) => {
        if (!element) return false;
        const box = element.getBoundingClientRect();
        return box.width > 50 && box.height > 20 && getComputedStyle(element).display !== 'none';
      };
      const picture = chart.querySelector<HTMLImageElement>('img.tfd-static');
      const svg = picture ? atob(picture.src.slice(picture.src.indexOf(',') + 1)) : '';
      const interactiveSvg = chart.querySelector('.tfd-interactive svg');
      return {
        id: chart.id,
        state: chart.getAttribute('data-tfd-state'),
        error: chart.getAttribute('data-tfd-error'),
        staticMarks: (svg.match(/<(path|rect|line|image|circle)\b/g) ?? []).length,
        interactiveMarks: marks(interactiveSvg),
        staticVisible: visible(picture) && (picture?.naturalWidth ?? 0) > 0,
        interactiveVisible: visible(interactiveSvg),
      };
    }),
  );
}

/**
 * Scrolls to each chart in turn (the bootstrap upgrades charts as they come
 * near the viewport) and waits until all `count` are interactive.
 */
export async function waitForCharts(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('div.tfjs-doctor-chart').length === n, count, { timeout: 30_000 });
  for (let i = 0; i < count; i++) {
    await page.locator('div.tfjs-doctor-chart').nth(i).scrollIntoViewIfNeeded();
    await page.waitForFunction(
      (index) => document.querySelectorAll('div.tfjs-doctor-chart')[index]?.getAttribute('data-tfd-state') === 'interactive',
      i,
      { timeout: 30_000 },
    );
  }
}

/**
 * Hovers the first data mark of an interactive chart whose aria-label (vega
 * writes it from the tooltip fields) contains every one of `parts`, and
 * returns the tooltip element's text and HTML once it is visible.
 */
export async function hoverTooltip(page: Page, chartSelector: string, parts: readonly string[]): Promise<{ text: string; html: string }> {
  const marks = page.locator(`${chartSelector} .tfd-interactive g[class*="role-mark"] > :not(g)`);
  const labels = await marks.evaluateAll((elements) => elements.map((e) => e.getAttribute('aria-label') ?? ''));
  const index = labels.findIndex((label) => parts.every((part) => label.includes(part)));
  if (index < 0) throw new Error(`no mark of ${chartSelector} is labelled with ${parts.join(' + ')}`);
  const mark = marks.nth(index);
  await mark.scrollIntoViewIfNeeded();
  const box = await mark.boundingBox();
  if (!box) throw new Error(`mark ${index} of ${chartSelector} has no box`);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const tooltip = page.locator('#vg-tooltip-element.visible');
  await tooltip.waitFor({ state: 'visible', timeout: 5_000 });
  return { text: await tooltip.innerText(), html: await tooltip.innerHTML() };
}
