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
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
	console.error('run.mjs: the whole run took more than 240 s; giving up');
	await closeBrowser();
	process.exit(1);
}, 240_000);
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
			const abs = path.join(SITE, to);
			let st;
			try { st = fs.statSync(abs); } catch { problems.add(`${from}: broken link ${ref} (no ${to})`); continue; }
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

test('every page reachable from the home page has no broken link; a sample loads in the browser', { timeout: TEST_TIMEOUT }, async () => {
	const { pages, problems, links } = crawl();
	assert.deepEqual(problems, [], `broken links:\n${problems.slice(0, 30).join('\n')}`);
	const all = allHtml();
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
