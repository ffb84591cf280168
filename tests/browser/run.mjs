// Real-browser tests of a built handbook site, opened from file:// in Debian's Chromium through
// playwright-core (which drives the system browser and downloads none of its own).
//
//     node run.mjs SITE_DIR        (or HB_SITE=SITE_DIR node run.mjs)
//
// SITE_DIR is a site already built by `handbook build`; this script builds nothing. Screenshots
// go to $HB_SCREENSHOTS (default: a new temporary directory, printed). Uses node's built-in test
// runner: it ends with its own pass/fail counts and exits non-zero when a test fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.HB_CHROMIUM || '/usr/bin/chromium';
const SITE = path.resolve(process.argv[2] || process.env.HB_SITE || '');
const STEP_TIMEOUT = 10_000; // every wait: navigation, click, selector
const TEST_TIMEOUT = 60_000; // every test
const SAMPLE_SIZE = 10;

if (!process.argv[2] && !process.env.HB_SITE) {
	console.error('usage: node run.mjs SITE_DIR (or HB_SITE=SITE_DIR)');
	process.exit(2);
}
if (!fs.existsSync(path.join(SITE, 'index.html'))) {
	console.error(`run.mjs: no index.html in ${SITE}`);
	process.exit(2);
}

// Whatever the tests do, never outlive this: close the browser and leave.
const watchdog = setTimeout(async () => {
	console.error('run.mjs: the whole run took more than 400 s; giving up');
	await closeBrowser();
	process.exit(1);
}, 400_000);
watchdog.unref();

// ---------------------------------------------------------------- the site, read through fs

const fileUrl = (rel) => pathToFileURL(path.join(SITE, rel)).href;

// A file:// URL (without its fragment) as a path relative to SITE, or null if it is elsewhere.
function siteRel(url) {
	const u = new URL(url);
	if (u.protocol !== 'file:') return null;
	const p = fileURLToPath(u);
	const rel = path.relative(SITE, p);
	if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
	return rel.split(path.sep).join('/');
}

function decodeEntities(s) {
	return s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos|#39);/gi, (m, e) => {
		const k = e.toLowerCase();
		if (k === 'amp') return '&';
		if (k === 'lt') return '<';
		if (k === 'gt') return '>';
		if (k === 'quot') return '"';
		if (k === 'apos' || k === '#39') return "'";
		if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16));
		return String.fromCodePoint(parseInt(k.slice(1), 10));
	});
}

const htmlCache = new Map();
function readHtml(rel) {
	if (!htmlCache.has(rel)) htmlCache.set(rel, fs.readFileSync(path.join(SITE, rel), 'utf8'));
	return htmlCache.get(rel);
}

// Every href= and src= of a page, entity-decoded.
function refsOf(rel) {
	const out = [];
	for (const m of readHtml(rel).matchAll(/\s(href|src)\s*=\s*("([^"]*)"|'([^']*)')/gi)) {
		out.push(decodeEntities(m[3] ?? m[4]));
	}
	return out;
}

function idsOf(rel) {
	const ids = new Set();
	for (const m of readHtml(rel).matchAll(/\s(?:id|name)\s*=\s*"([^"]*)"/gi)) ids.add(decodeEntities(m[1]));
	return ids;
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i; // has a scheme, or is protocol-relative

// fs.statSync of a file of the site, or null; cached (print.html alone links thousands of times).
const stats = new Map();
function statOf(rel) {
	if (!stats.has(rel)) {
		try { stats.set(rel, fs.statSync(path.join(SITE, rel))); } catch { stats.set(rel, null); }
	}
	return stats.get(rel);
}

// Crawls the site from index.html through its same-site links, checking each one as file://
// would resolve it. Returns the pages reached and the problems found.
function crawl() {
	const seen = new Set(['index.html']);
	const queue = ['index.html'];
	const problems = new Set();
	let links = 0;
	while (queue.length > 0) {
		const from = queue.shift();
		// A resource (not a link a reader follows) from elsewhere would be a request leaving.
		for (const m of readHtml(from).matchAll(/<(img|script|link|iframe|source|video|audio|embed|object)\b[^>]*?\s(?:src|href|data|srcset)\s*=\s*["']?\s*((?:https?:)?\/\/[^"'\s>]*)/gi)) {
			problems.add(`${from}: <${m[1].toLowerCase()}> loads ${m[2]} from outside the site`);
		}
		for (const ref of refsOf(from)) {
			if (ref === '') { problems.add(`${from}: empty link`); continue; }
			if (/^(?:mailto|tel|data):/i.test(ref)) continue;
			if (EXTERNAL.test(ref)) {
				// A link away is fine for a reader to follow; a resource would be a request.
				continue;
			}
			if (ref.startsWith('/')) { problems.add(`${from}: root-relative link ${ref} breaks from file://`); continue; }
			links++;
			const url = new URL(ref, fileUrl(from));
			const fragment = url.hash ? decodeURIComponent(url.hash.slice(1)) : '';
			url.hash = '';
			url.search = '';
			const to = siteRel(url.href);
			if (to === null) { problems.add(`${from}: link ${ref} leaves the site`); continue; }
			const st = statOf(to);
			if (st === null) { problems.add(`${from}: broken link ${ref} (no ${to})`); continue; }
			if (st.isDirectory()) { problems.add(`${from}: link ${ref} is a directory (file:// shows a listing)`); continue; }
			if (!to.endsWith('.html')) continue;
			if (fragment && !idsOf(to).has(fragment)) problems.add(`${from}: link ${ref}: no id "${fragment}" in ${to}`);
			if (!seen.has(to)) { seen.add(to); queue.push(to); }
		}
	}
	// Stylesheets must not pull fonts or images from elsewhere either.
	for (const css of allFiles().filter((f) => f.endsWith('.css'))) {
		const text = fs.readFileSync(path.join(SITE, css), 'utf8');
		for (const m of text.matchAll(/(?:url\(\s*["']?|@import\s+["'])((?:https?:)?\/\/[^"')\s]*)/gi)) {
			problems.add(`${css}: loads ${m[1]} from outside the site`);
		}
	}
	return { pages: [...seen], problems: [...problems], links };
}

function allFiles(dir = SITE) {
	const out = [];
	for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, e.name);
		if (e.isDirectory()) out.push(...allFiles(p));
		else out.push(path.relative(SITE, p).split(path.sep).join('/'));
	}
	return out.sort();
}
const allHtml = () => allFiles().filter((f) => f.endsWith('.html'));

// A meeting page whose body has a link to another page (a wiki link).
function meetingPage() {
	const dir = path.join(SITE, 'meetings');
	const pages = fs.existsSync(dir)
		? fs.readdirSync(dir).filter((f) => f.endsWith('.html') && f !== 'index.html').sort()
		: [];
	for (const f of pages) {
		const html = readHtml(`meetings/${f}`);
		const body = html.split('<div class="content">')[1] || '';
		if (/<a href="(?![a-z]+:|#)[^"]+\.html/.test(body)) return `meetings/${f}`;
	}
	return null;
}

// ---------------------------------------------------------------- the browser

let context = null;
let userDataDir = null;
const requestsAway = new Set(); // requests to anything but file: (and data:, blob:, about:)
const jsErrors = new Set(); // console errors and uncaught exceptions
let pagesOpened = 0;
let requestsSeen = 0;

async function closeBrowser() {
	const c = context;
	context = null;
	if (c) await c.close().catch(() => {});
	if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
	userDataDir = null;
}

before(async () => {
	userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hb-chromium-'));
	context = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync',
		],
		viewport: { width: 1280, height: 900 },
		timeout: 30_000,
		offline: true,
	});
	context.setDefaultTimeout(STEP_TIMEOUT);
	context.setDefaultNavigationTimeout(STEP_TIMEOUT);
	// Nothing may leave: a request that is not for a local file is refused (after being noted).
	await context.route((u) => u.protocol !== 'file:' && u.protocol !== 'data:', (route) => route.abort());
	// The persistent context opens with one blank page; close it, tests open their own.
	for (const p of context.pages()) await p.close();
});

after(async () => {
	clearTimeout(watchdog);
	await closeBrowser();
});

async function newPage({ width = 1280, height = 900, colorScheme = 'light' } = {}) {
	assert.ok(context, 'the browser did not start');
	const page = await context.newPage();
	pagesOpened++;
	page.on('request', (req) => {
		requestsSeen++;
		const u = req.url();
		if (!/^(?:file|data|blob|about|chrome-error):/.test(u)) requestsAway.add(`${page.url()} requested ${u}`);
	});
	page.on('console', (msg) => {
		if (msg.type() === 'error') jsErrors.add(`${page.url()}: console error: ${msg.text()}`);
	});
	page.on('pageerror', (err) => jsErrors.add(`${page.url()}: uncaught: ${err.message}`));
	await page.setViewportSize({ width, height });
	await page.emulateMedia({ colorScheme });
	return page;
}

async function withPage(opts, fn) {
	const page = await newPage(opts);
	try {
		return await fn(page);
	} finally {
		await page.close().catch(() => {});
	}
}

// Asserts the page shows a real file of the site (not Chromium's error page) and returns the
// text of its <h1>.
async function assertSitePage(page, what) {
	const url = page.url();
	assert.ok(url.startsWith('file:'), `${what}: landed on ${url}, not a file of the site`);
	const rel = siteRel(url.split('#')[0]);
	assert.ok(rel !== null, `${what}: landed outside the site: ${url}`);
	assert.ok(fs.existsSync(path.join(SITE, rel)), `${what}: ${rel} does not exist`);
	const isError = await page.evaluate(() =>
		!!document.querySelector('#main-frame-error, .neterror, #sub-frame-error') ||
		document.body?.classList.contains('neterror'));
	assert.ok(!isError, `${what}: Chromium shows its error page for ${url}`);
	const h1s = page.locator('h1');
	assert.equal(await h1s.count(), 1, `${what}: ${rel} should have exactly one <h1>`);
	// The theme's stylesheet was found and applied.
	const margin = await page.evaluate(() => getComputedStyle(document.body).marginTop);
	assert.equal(margin, '0px', `${what}: the stylesheet is not applied`);
	return norm(await h1s.innerText());
}

const norm = (s) => s.replace(/\s+/g, ' ').trim();

async function open(page, rel) {
	const resp = await page.goto(fileUrl(rel), { waitUntil: 'load' });
	assert.ok(!resp || resp.ok(), `${rel}: load failed`);
	return assertSitePage(page, rel);
}

// Clicks a link and waits for the page it leads to; returns that page's <h1>.
async function follow(page, link, what) {
	const from = page.url();
	const href = await link.getAttribute('href');
	const want = new URL(href, from).href.split('#')[0];
	try {
		await Promise.all([
			page.waitForURL((u) => u.href.split('#')[0] !== from.split('#')[0], { waitUntil: 'load' }),
			link.click(),
		]);
	} catch (err) {
		throw new Error(`${what}: clicking ${href} on ${siteRel(from) ?? from} failed: ${err.message.split('\n')[0]}`);
	}
	const h1 = await assertSitePage(page, `${what} (${href})`);
	assert.equal(page.url().split('#')[0], want, `${what}: clicked ${href}, landed on ${page.url()}`);
	return h1;
}

// ---------------------------------------------------------------- the tests

test('home page opens, has an <h1>, and its section navigation works', { timeout: TEST_TIMEOUT }, async () => {
	await withPage({}, async (page) => {
		const h1 = await open(page, 'index.html');
		assert.ok(h1.length > 0, 'home page: empty <h1>');
		const links = page.locator('nav.site-nav a[href]');
		const n = await links.count();
		assert.ok(n >= 2, `home page: only ${n} links in the section navigation`);
		// The first, a middle and the last section.
		for (const i of [...new Set([0, Math.floor(n / 2), n - 1])]) {
			await open(page, 'index.html');
			const link = links.nth(i);
			const text = norm(await link.innerText());
			const got = await follow(page, link, `nav link "${text}"`);
			assert.equal(got, text, `nav link "${text}" leads to a page titled "${got}"`);
			// In that section, the navigation lists its pages: follow the first one.
			const sub = page.locator('nav.site-nav li.here ul a[href]');
			if ((await sub.count()) > 0) {
				const subText = norm(await sub.first().innerText());
				const subGot = await follow(page, sub.first(), `section nav link "${subText}"`);
				assert.equal(subGot, subText, `section nav link "${subText}" leads to "${subGot}"`);
			}
		}
	});
});

test('a wiki link in a page body leads to an existing page', { timeout: TEST_TIMEOUT }, async () => {
	const rel = meetingPage();
	assert.ok(rel, 'no meeting page with a link in its body');
	await withPage({}, async (page) => {
		await open(page, rel);
		const links = page.locator('main .content a[href]');
		// Links to another page of the site (not to a place on this one, not away).
		const others = await links.evaluateAll((els) => els.map((e, i) => [i, e.href]).filter(([, h]) =>
			h.startsWith('file:') && h.split('#')[0] !== location.href.split('#')[0]).map(([i]) => i));
		assert.ok(others.length > 0, `${rel}: no link to another page in the body`);
		for (const i of [...new Set([others[0], others[others.length - 1]])]) {
			if (i !== others[0]) await open(page, rel);
			const link = links.nth(i);
			const text = norm(await link.innerText());
			const got = await follow(page, link, `body link "${text}" on ${rel}`);
			assert.ok(got.length > 0, `body link "${text}": the page it leads to has an empty <h1>`);
		}
	});
});

test('previous and next links work', { timeout: TEST_TIMEOUT }, async () => {
	const rel = meetingPage();
	assert.ok(rel, 'no meeting page');
	await withPage({}, async (page) => {
		await open(page, rel);
		const start = page.url();
		for (const [relName, arrow] of [['next', /\s*→$/], ['prev', /^←\s*/]]) {
			const link = page.locator(`nav.pager a[rel="${relName}"]`);
			if ((await link.count()) === 0) continue;
			const text = norm(await link.innerText()).replace(arrow, '');
			const got = await follow(page, link, `${relName} link "${text}"`);
			assert.equal(got, text, `${relName} link "${text}" leads to "${got}"`);
			// And back the other way.
			const back = page.locator(`nav.pager a[rel="${relName === 'next' ? 'prev' : 'next'}"]`);
			assert.equal(await back.count(), 1, `${relName} page has no link back`);
			await follow(page, back, `link back from ${relName}`);
			assert.equal(page.url(), start, `${relName} then back did not return to ${rel}`);
		}
		const any = await page.locator('nav.pager a[rel]').count();
		assert.ok(any > 0, `${rel}: no previous/next link`);
	});
});

test('no horizontal scrolling at 320px (home page, a page with a table, a meeting page)', { timeout: TEST_TIMEOUT }, async () => {
	const pages = ['index.html', 'meetings/index.html', meetingPage()].filter(Boolean);
	const wide = [];
	await withPage({ width: 320, height: 640 }, async (page) => {
		for (const rel of pages) {
			await open(page, rel);
			if (rel === 'meetings/index.html') {
				assert.ok(await page.locator('main table').count() > 0, `${rel}: no table any more`);
			}
			const { sw, cw, culprits } = await page.evaluate(() => {
				const cw = document.documentElement.clientWidth;
				const culprits = [];
				for (const el of document.querySelectorAll('body *')) {
					const r = el.getBoundingClientRect();
					if (r.right > cw + 1 && culprits.length < 5) {
						culprits.push(`${el.tagName.toLowerCase()}${el.className ? '.' + el.className : ''} (right ${Math.round(r.right)})`);
					}
				}
				return { sw: document.documentElement.scrollWidth, cw, culprits };
			});
			if (sw > cw) wide.push(`${rel}: scrollWidth ${sw} > clientWidth ${cw}; too wide: ${culprits.join(', ')}`);
		}
	});
	assert.deepEqual(wide, [], wide.join('\n'));
});

test('prefers-color-scheme: dark changes the background of <body>', { timeout: TEST_TIMEOUT }, async () => {
	const bg = async (colorScheme) => withPage({ colorScheme }, async (page) => {
		await open(page, 'index.html');
		return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
	});
	const light = await bg('light');
	const dark = await bg('dark');
	assert.notEqual(dark, light, `body background is ${light} in both light and dark`);
	// And dark is darker: the sum of its channels is lower.
	const lum = (c) => (c.match(/\d+(\.\d+)?/g) || []).slice(0, 3).reduce((a, b) => a + Number(b), 0);
	assert.ok(lum(dark) < lum(light), `dark background ${dark} is not darker than light ${light}`);
});

test('every page reachable from the home page has no broken link; a sample loads in the browser', { timeout: 2 * TEST_TIMEOUT }, async () => {
	const { pages, problems, links } = crawl();
	assert.deepEqual(problems, [], `broken links:\n${problems.slice(0, 30).join('\n')}`);
	// 404.html is what a server shows for a missing page: nothing links to it.
	const all = allHtml().filter((p) => p !== '404.html');
	const unreached = all.filter((p) => !pages.includes(p));
	assert.deepEqual(unreached, [], `pages not reachable from the home page: ${unreached.join(', ')}`);
	console.log(`# crawled ${pages.length} pages, ${links} same-site links`);
	// A sample spread over the crawl, every k-th page, loaded for real.
	const sorted = [...pages].sort();
	const step = Math.max(1, Math.floor(sorted.length / SAMPLE_SIZE));
	const sample = sorted.filter((_, i) => i % step === 0).slice(0, SAMPLE_SIZE);
	await withPage({}, async (page) => {
		for (const rel of sample) {
			await open(page, rel);
			// Every link the browser sees resolves to an existing file.
			const hrefs = await page.evaluate(() => [...document.querySelectorAll('a[href], link[href], img[src], script[src]')]
				.map((e) => e.href || e.src));
			for (const h of hrefs) {
				if (!h.startsWith('file:')) continue;
				const to = siteRel(h.split('#')[0]);
				assert.ok(to !== null && fs.existsSync(path.join(SITE, to)) && fs.statSync(path.join(SITE, to)).isFile(),
					`${rel}: link to ${h} does not resolve to a file of the site`);
			}
		}
	});
});

test('screenshots of the home page and a meeting page at 320px and 1280px', { timeout: TEST_TIMEOUT }, async () => {
	const dir = process.env.HB_SCREENSHOTS || fs.mkdtempSync(path.join(os.tmpdir(), 'hb-screenshots-'));
	fs.mkdirSync(dir, { recursive: true });
	const meeting = meetingPage();
	assert.ok(meeting, 'no meeting page');
	const shots = [];
	for (const width of [320, 1280]) {
		await withPage({ width, height: width === 320 ? 640 : 900 }, async (page) => {
			for (const [name, rel] of [['home', 'index.html'], ['meeting', meeting]]) {
				await open(page, rel);
				const file = path.join(dir, `${name}-${width}.png`);
				await page.screenshot({ path: file, fullPage: true, timeout: STEP_TIMEOUT });
				assert.ok(fs.statSync(file).size > 1000, `${file}: empty screenshot`);
				shots.push(file);
			}
		});
	}
	console.log(`# screenshots: ${shots.join(' ')}`);
});

// ---------------------------------------------------------------- search

const CJK_SITE = process.env.HB_CJK_SITE || '';
const EDITIONS_SITE = process.env.HB_EDITIONS_SITE || '';
const PDF = process.env.HB_PDF || '';

// Types the query into the header's search box; returns the suggestions shown.
async function suggest(page, query) {
	const box = page.locator('.site-search input[type=search]');
	await box.fill('');
	await box.type(query, { delay: 5 });
	const list = page.locator('#search-suggestions');
	// The status line names the query once its results are in.
	await page.waitForFunction((q) => (document.querySelector('.site-search [role=status]')?.textContent || '')
		.includes(`“${q}”`), query);
	return list.locator('li').evaluateAll((lis) => lis.map((li) => ({
		title: li.querySelector('a').textContent,
		href: li.querySelector('a').getAttribute('href'),
		snippet: li.querySelector('.result-snippet')?.innerHTML || '',
	})));
}

// search.html?q=…: the results' titles and the status line.
async function searchPage(page, site, query) {
	const url = pathToFileURL(path.join(site, 'search.html')).href + '?q=' + encodeURIComponent(query);
	await page.goto(url, { waitUntil: 'load' });
	await page.waitForFunction(() => (document.getElementById('search-status')?.textContent || '') !== '');
	return {
		status: norm(await page.locator('#search-status').innerText()),
		titles: await page.locator('#search-results li > a').allInnerTexts(),
	};
}

test('search as you type: English words, a Japanese name, a prefix, diacritics; title matches first', { timeout: TEST_TIMEOUT }, async () => {
	await withPage({}, async (page) => {
		await open(page, 'index.html');
		const vv = await suggest(page, 'Vientiane Vision');
		assert.ok(vv.length > 0, 'no result for "Vientiane Vision"');
		assert.match(vv[0].title, /Vientiane Vision/, `the first result for "Vientiane Vision" is "${vv[0].title}"`);
		assert.match(vv[0].snippet, /<mark>/i, 'the snippet does not mark the match');
		const kihara = await suggest(page, 'Kihara');
		assert.ok(kihara.some((r) => /Kihara/.test(r.title)), `no page titled Kihara among ${kihara.map((r) => r.title)}`);
		assert.match(kihara[0].title, /Kihara/, 'a title match should come first');
		const prefix = await suggest(page, 'vienti');
		assert.ok(prefix.some((r) => /Vientiane/.test(r.title)), 'the prefix "vienti" finds nothing about Vientiane');
		const plain = await suggest(page, 'Vientiane');
		const folded = await suggest(page, 'Viêntïane');
		assert.ok(folded.length > 0, 'diacritics in the query are not folded');
		assert.deepEqual(folded.map((r) => r.title), plain.map((r) => r.title), '"Viêntïane" and "Vientiane" differ');
		// Arrow down reaches the first suggestion, Escape goes back, Enter opens one.
		await suggest(page, 'JASMINE');
		await page.keyboard.press('ArrowDown');
		assert.equal(await page.evaluate(() => document.activeElement.closest('#search-suggestions') !== null), true,
			'ArrowDown does not move to the suggestions');
		await page.keyboard.press('Escape');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'site-search-q', 'Escape does not return to the box');
		assert.ok(await page.locator('#search-suggestions').isHidden(), 'Escape does not close the suggestions');
		await suggest(page, 'jasmine');
		await page.keyboard.press('ArrowDown');
		await Promise.all([page.waitForURL((u) => !u.href.endsWith('index.html'), { waitUntil: 'load' }), page.keyboard.press('Enter')]);
		assert.match(await assertSitePage(page, 'first JASMINE suggestion'), /JASMINE/);
	});
});

test('search.html?q= lists results, says when there are none, and works from file://', { timeout: TEST_TIMEOUT }, async () => {
	await withPage({}, async (page) => {
		const found = await searchPage(page, SITE, 'JASMINE');
		assert.ok(found.titles.length > 3, `only ${found.titles.length} results for JASMINE`);
		assert.match(found.status, /results? for “JASMINE”/);
		const none = await searchPage(page, SITE, 'zzqxjv');
		assert.deepEqual(none.titles, []);
		assert.equal(none.status, 'No results for “zzqxjv”.');
		// A result leads to its page.
		await searchPage(page, SITE, 'Vientiane Vision');
		await follow(page, page.locator('#search-results li > a').first(), 'search result');
	});
});

test('search finds Japanese text by character bigrams', { timeout: TEST_TIMEOUT, skip: !CJK_SITE }, async () => {
	await withPage({}, async (page) => {
		// (The home page links to the Japanese page by its title, so it may match too, lower.)
		for (const q of ['防衛省', '防衛', 'ASEAN防衛協力', 'kono', 'Kōno']) {
			const r = await searchPage(page, CJK_SITE, q);
			assert.equal(r.titles[0], '防衛省と ASEAN', `query ${q}: ${r.status}`);
		}
		assert.deepEqual((await searchPage(page, CJK_SITE, '衛星')).titles, [], 'an unrelated bigram matched');
	});
});

// ---------------------------------------------------------------- reader's controls

test('the colour toggle switches and is remembered', { timeout: TEST_TIMEOUT }, async () => {
	await withPage({ colorScheme: 'light' }, async (page) => {
		await open(page, 'index.html');
		const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
		const light = await bg();
		const button = page.locator('#theme-toggle');
		assert.ok(await button.isVisible(), 'no visible colour toggle');
		await button.click();
		assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
		assert.notEqual(await bg(), light, 'the toggle did not change the background');
		assert.equal(await button.getAttribute('aria-pressed'), 'true');
		await open(page, 'meetings/index.html');
		assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'the choice was not remembered');
		await page.locator('#theme-toggle').click();
		assert.equal(await bg(), light);
	});
});

test('at 375px the section navigation is a menu that opens, closes with Escape', { timeout: TEST_TIMEOUT }, async () => {
	await withPage({ width: 375, height: 740 }, async (page) => {
		await open(page, 'meetings/index.html');
		const button = page.locator('#menu-button');
		assert.ok(await button.isVisible(), 'no menu button at 375px');
		const navTop = () => page.locator('#site-nav').evaluate((n) => n.getBoundingClientRect().top);
		assert.ok(await navTop() > 740, 'the navigation should start below the first screen');
		await button.click();
		assert.equal(await button.getAttribute('aria-expanded'), 'true');
		assert.ok(await navTop() >= 0 && await navTop() < 100, 'the opened menu is not on screen');
		const link = page.locator('#site-nav a').first();
		assert.ok(await link.isVisible(), 'the menu shows no link');
		await page.keyboard.press('Escape');
		assert.equal(await button.getAttribute('aria-expanded'), 'false');
		assert.ok(await navTop() > 740, 'Escape did not close the menu');
	});
	await withPage({ width: 1280 }, async (page) => {
		await open(page, 'meetings/index.html');
		assert.ok(!(await page.locator('#menu-button').isVisible()), 'the menu button shows on a wide screen');
	});
});

test('keyboard: skip link, "/" for search, arrow keys for previous and next', { timeout: TEST_TIMEOUT }, async () => {
	const rel = meetingPage();
	await withPage({}, async (page) => {
		await open(page, rel);
		await page.keyboard.press('Tab');
		assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link', 'Tab does not reach the skip link first');
		assert.ok(await page.locator('.skip-link').isVisible(), 'the focused skip link is not visible');
		const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
		assert.notEqual(outline, 'none', 'focus is not visible');
		await page.locator('main h1').click();
		await page.keyboard.press('/');
		assert.equal(await page.evaluate(() => document.activeElement.id), 'site-search-q', '"/" does not focus the search box');
		await page.locator('main h1').click();
		const next = await page.locator('nav.pager a[rel=next]').getAttribute('href');
		if (next) {
			await Promise.all([page.waitForURL((u) => u.href.split('#')[0] !== fileUrl(rel), { waitUntil: 'load' }), page.keyboard.press('ArrowRight')]);
			assert.equal(page.url(), new URL(next, fileUrl(rel)).href, 'ArrowRight did not open the next page');
			await Promise.all([page.waitForURL((u) => u.href === fileUrl(rel), { waitUntil: 'load' }), page.keyboard.press('ArrowLeft')]);
		}
	});
});

test('pages work without JavaScript', { timeout: TEST_TIMEOUT }, async () => {
	// A browser of its own, with scripts off.
	const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
	try {
		const c = await browser.newContext({ javaScriptEnabled: false, offline: true });
		const p = await c.newPage();
		await p.goto(fileUrl('index.html'));
		assert.ok(await p.locator('#site-nav a').count() > 5, 'no navigation without JavaScript');
		assert.ok(!(await p.locator('#theme-toggle').isVisible()), 'a toggle that cannot work shows without JavaScript');
		await p.goto(fileUrl('search.html'));
		assert.ok(await p.locator('.needs-js').isVisible(), 'search.html does not say it needs JavaScript');
	} finally {
		await browser.close();
	}
});

// ---------------------------------------------------------------- over HTTP

// The site served by a small static server of node's own, on a free port of 127.0.0.1.
function serve(dir) {
	const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
		'.svg': 'image/svg+xml', '.xml': 'application/xml', '.png': 'image/png' };
	const server = http.createServer((req, res) => {
		const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
		const file = path.join(dir, rel);
		if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
			res.writeHead(404, { 'content-type': 'text/html' });
			res.end(fs.readFileSync(path.join(dir, '404.html')));
			return;
		}
		res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' });
		res.end(fs.readFileSync(file));
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('over HTTP: pages, search and the 404 page work, and nothing is fetched from elsewhere', { timeout: TEST_TIMEOUT }, async () => {
	const server = await serve(SITE);
	const base = `http://127.0.0.1:${server.address().port}/`;
	const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
	const away = [];
	try {
		const c = await browser.newContext();
		await c.route((u) => !u.href.startsWith(base) && u.protocol !== 'data:', (route) => { away.push(route.request().url()); return route.abort(); });
		const p = await c.newPage();
		const errors = [];
		p.on('pageerror', (e) => errors.push(e.message));
		await p.goto(base + 'meetings/index.html');
		assert.equal(await p.locator('h1').count(), 1);
		await p.goto(base + 'search.html?q=JASMINE');
		await p.waitForFunction(() => (document.getElementById('search-status')?.textContent || '') !== '');
		assert.ok(await p.locator('#search-results li').count() > 3, 'no search results over HTTP');
		await p.locator('.site-search input').fill('Vientiane');
		await p.waitForFunction(() => (document.querySelector('.site-search [role=status]')?.textContent || '').includes('Vientiane'));
		assert.ok(await p.locator('#search-suggestions li').count() > 0, 'no suggestions over HTTP');
		const resp = await p.goto(base + 'no/such/page.html');
		assert.equal(resp.status(), 404);
		assert.match(await p.locator('h1').innerText(), /not found/i);
		assert.deepEqual(errors, []);
	} finally {
		await browser.close();
		server.close();
	}
	assert.deepEqual(away, [], `requests that left the site:\n${away.join('\n')}`);
});

// ---------------------------------------------------------------- handbook serve

const HB_BIN = process.env.HB_BIN || '';
const SERVE_DIR = process.env.HB_SERVE_DIR || '';

// Starts `handbook serve --port 0` in dir; resolves with { proc, base } once it is listening.
function startServe(dir) {
	return new Promise((resolve, reject) => {
		const proc = spawn(HB_BIN, ['serve', '--port', '0', '--quiet'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		proc.stdout.on('data', (d) => {
			out += d;
			const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/);
			if (m) resolve({ proc, base: m[1] });
		});
		proc.stderr.on('data', () => {});
		proc.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
	});
}

function pageText(words) {
	return `---\ntitle: "Long page"\n---\n${Array.from({ length: 60 }, (_, i) => `Paragraph ${i}: ${words}`).join('\n\n')}\n`;
}

test('serve: an edit reloads the open tab where it was; a broken build shows over the page until fixed', { timeout: TEST_TIMEOUT, skip: !HB_BIN || !SERVE_DIR }, async () => {
	const file = path.join(SERVE_DIR, 'content/notes/long.md');
	fs.writeFileSync(file, pageText('the first words.'));
	const { proc, base } = await startServe(SERVE_DIR);
	const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
	const save = (text) => { fs.writeFileSync(file + '.tmp', text); fs.renameSync(file + '.tmp', file); };
	try {
		const p = await (await browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage();
		const errors = [];
		p.on('pageerror', (e) => errors.push(e.message));
		await p.goto(base + 'notes/long.html');
		await p.waitForFunction(() => document.body.innerText.includes('the first words'));
		// Let the event stream connect and hear the current build before editing.
		await p.waitForTimeout(300);
		await p.evaluate(() => window.scrollTo(0, 900));
		const y = await p.evaluate(() => window.scrollY);
		assert.ok(y > 800, `the page did not scroll (${y})`);
		save(pageText('the edited words.'));
		await p.waitForFunction(() => document.body.innerText.includes('the edited words'), null, { timeout: 5000 });
		await p.waitForFunction((want) => Math.abs(window.scrollY - want) < 5, y, { timeout: 2000 });

		// Broken: the overlay names the file, line and column; the page underneath is the last good one.
		save(pageText('the edited words.') + '\nSee [[no-such-page]].\n');
		const overlay = p.locator('#handbook-build-errors');
		await overlay.waitFor({ state: 'visible', timeout: 5000 });
		assert.match(await overlay.innerText(), /content\/notes\/long\.md:\d+:\d+: error: unresolved link 'no-such-page'/);
		assert.ok(await p.evaluate(() => document.body.innerText.includes('the edited words')));
		// Fixed: the overlay goes, the page reloads with the fix.
		save(pageText('the fixed words.'));
		await p.waitForFunction(() => document.body.innerText.includes('the fixed words') &&
			!document.getElementById('handbook-build-errors'), null, { timeout: 5000 });
		assert.deepEqual(errors, []);
	} finally {
		await browser.close();
		proc.kill('SIGINT');
	}
});

// ---------------------------------------------------------------- print and PDF

test('print.html: one document with unique ids and in-document cross-references', { timeout: TEST_TIMEOUT }, async () => {
	const html = readHtml('print.html');
	const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
	const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
	assert.deepEqual([...new Set(dup)], [], 'duplicate ids in print.html');
	const idSet = new Set(ids);
	const body = html.slice(html.indexOf('<main'));
	const missing = [...body.matchAll(/href="#([^"]+)"/g)].map((m) => decodeEntities(m[1])).filter((h) => !idSet.has(h));
	assert.deepEqual([...new Set(missing)].slice(0, 10), [], 'in-document links without a target');
	const pageLinks = [...body.matchAll(/href="([^"#:]+\.html)/g)].map((m) => m[1])
		.filter((h) => !/^(timeline|types\/)/.test(h));
	assert.deepEqual([...new Set(pageLinks)], [], 'links from print.html to pages it holds');
	// Citations point at source paragraphs within the document.
	assert.match(body, /<sup class="cite"><a href="#[a-z0-9-]+--p\d+">\[\d+\]<\/a>/);
	await withPage({}, async (page) => {
		await page.goto(fileUrl('print.html'));
		await page.emulateMedia({ media: 'print' });
		assert.ok(!(await page.locator('.site-nav').count()) || !(await page.locator('.site-nav').first().isVisible()),
			'navigation shows in print');
	});
});

test('the PDF has page numbers of its own, every page, and an outline', { timeout: TEST_TIMEOUT, skip: !PDF }, () => {
	const pdf = fs.readFileSync(PDF);
	const text = pdf.toString('latin1');
	const pages = (text.match(/\/Type \/Page\b/g) || []).length;
	const docs = (readHtml('print.html').match(/class="print-page"/g) || []).length;
	assert.ok(docs > 100, `print.html holds only ${docs} pages`);
	assert.ok(pages >= docs + 2, `the PDF has ${pages} pages for ${docs} handbook pages, a cover and contents`);
	const titles = [...text.matchAll(/\/Title (<FEFF[0-9A-F]+>|\((?:[^)\\]|\\.)*\))/gi)].map((m) => {
		const t = m[1];
		if (t.startsWith('<')) {
			const hex = t.slice(5, -1);
			let s = '';
			for (let i = 0; i < hex.length; i += 4) s += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
			return s;
		}
		return t.slice(1, -1).replace(/\\(.)/g, '$1');
	});
	assert.ok(titles.includes('Contents'), 'the outline has no "Contents"');
	for (const want of ['Vientiane Vision', 'JASMINE']) {
		assert.ok(titles.some((t) => t.includes(want)), `the outline has nothing titled ${want}`);
	}
	assert.ok(titles.length > docs, `the outline has ${titles.length} entries for ${docs} pages`);
	// The clock Chromium stamps is replaced by the edition's time (run.sh sets it).
	const epoch = Number(process.env.HB_PDF_EPOCH || NaN);
	if (!Number.isNaN(epoch)) {
		const d = new Date(epoch * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
		assert.ok(text.includes(`/CreationDate (D:${d}+00'00')`), `CreationDate is not the edition's (${d})`);
		assert.ok(text.includes(`/ModDate (D:${d}+00'00')`), `ModDate is not the edition's (${d})`);
	}
	console.log(`# PDF: ${pages} pages, ${titles.length} outline entries, ${(pdf.length / 1e6).toFixed(1)} MB`);
});

// ---------------------------------------------------------------- accessibility

const AXE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'node_modules/axe-core/axe.min.js');

async function axe(page) {
	await page.addScriptTag({ path: AXE });
	return page.evaluate(async () => {
		// No preload: from file:// axe's fetch of the stylesheets is refused (and logged).
		const r = await window.axe.run(document, { resultTypes: ['violations'], preload: false });
		return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
	});
}

test('axe-core: no serious or critical violation on any page type, light and dark', { timeout: 120_000 }, async () => {
	const first = (dir) => fs.readdirSync(path.join(SITE, dir)).filter((f) => f !== 'index.html' && f.endsWith('.html')).sort()[0];
	const kinds = [['home', SITE, 'index.html'], ['section', SITE, 'meetings/index.html'],
		['meeting', SITE, meetingPage()], ['person', SITE, `people/${first('people')}`],
		['source', SITE, 'sources/vv-outline.html'], ['glossary', SITE, `glossary/${first('glossary')}`],
		['timeline', SITE, 'timeline.html'], ['type index', SITE, 'types/meetings.html'],
		['search', SITE, 'search.html?q=Vientiane'], ['404', SITE, '404.html']];
	if (EDITIONS_SITE) kinds.push(['what changed', EDITIONS_SITE, 'changes.html'], ['edition page', EDITIONS_SITE, 'editions/edition-1/notes/a.html']);
	const problems = [];
	for (const colorScheme of ['light', 'dark']) {
		await withPage({ colorScheme }, async (page) => {
			for (const [kind, site, rel] of kinds) {
				const [file, query] = rel.split('?');
				await page.goto(pathToFileURL(path.join(site, file)).href + (query ? '?' + query : ''), { waitUntil: 'load' });
				if (query) await page.waitForFunction(() => (document.getElementById('search-status')?.textContent || '') !== '');
				for (const v of await axe(page)) problems.push(`${kind} (${rel}, ${colorScheme}): ${v}`);
			}
		});
	}
	assert.deepEqual(problems, [], problems.join('\n'));
});

test('screenshots: phone, desktop light, desktop dark, print', { timeout: TEST_TIMEOUT }, async () => {
	const dir = process.env.HB_SCREENSHOTS || fs.mkdtempSync(path.join(os.tmpdir(), 'hb-screenshots-'));
	fs.mkdirSync(dir, { recursive: true });
	const meeting = meetingPage();
	const shots = [['phone', { width: 375, height: 740 }, 'screen'], ['desktop-light', { width: 1280, height: 900 }, 'screen'],
		['desktop-dark', { width: 1280, height: 900, colorScheme: 'dark' }, 'screen'], ['print', { width: 900, height: 1200 }, 'print']];
	for (const [name, opts, media] of shots) {
		await withPage(opts, async (page) => {
			await open(page, meeting);
			await page.emulateMedia({ media });
			const file = path.join(dir, `${name}.png`);
			await page.screenshot({ path: file, fullPage: false, timeout: STEP_TIMEOUT });
			assert.ok(fs.statSync(file).size > 1000, `${file}: empty screenshot`);
		});
	}
});

// These two run last: they cover every page that every test above opened.
test('no request leaves file://', { timeout: TEST_TIMEOUT }, () => {
	assert.ok(pagesOpened > 0 && requestsSeen > 0, 'no page was loaded');
	const away = [...requestsAway];
	assert.deepEqual(away, [], `requests that left the page:\n${away.join('\n')}`);
});

test('no JavaScript console errors or page errors', { timeout: TEST_TIMEOUT }, () => {
	assert.ok(pagesOpened > 0, 'no page was loaded');
	const errors = [...jsErrors];
	assert.deepEqual(errors, [], errors.join('\n'));
});
