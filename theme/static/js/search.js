// Search for /search/, as progressive enhancement: the page already explains itself and links to the
// archives; this script swaps that for a search box whose results appear as the reader types.
// Pagefind's index was built with the site (plugins/search_index.py) and is fetched in pieces on demand.

const form = document.querySelector(".search[data-pagefind]");
const input = form.querySelector("input");
const status = form.querySelector(".search-status");
const results = form.querySelector(".search-results");
// Pagefind's script, in pagefind/ at the site's root ("/" locally, "/blog/" under a subpath): the
// result URLs it gives are relative to that root.
const script = new URL(form.dataset.pagefind, location.href);
const siteRoot = new URL("..", script);

const pagefind = await import(script.href);
await pagefind.options({ baseUrl: siteRoot.pathname });

function resultItem(result) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = result.meta.title;
  const excerpt = document.createElement("p");
  // Pagefind's excerpt is escaped text of our own pages, with <mark> around the words found.
  excerpt.innerHTML = result.excerpt;
  item.append(link, excerpt);
  return item;
}

async function showResults(query) {
  const search = await pagefind.debouncedSearch(query, {}, 150);
  if (search === null) return; // a later keystroke replaced this search
  const found = await Promise.all(search.results.slice(0, 20).map((result) => result.data()));
  results.replaceChildren(...found.map(resultItem));
  const count = search.results.length;
  status.textContent = query.trim() ? `${count} ${count === 1 ? "result" : "results"}` : "";
  history.replaceState(null, "", query.trim() ? `?q=${encodeURIComponent(query)}` : location.pathname);
}

input.addEventListener("input", () => showResults(input.value));

document.querySelector(".search-fallback").hidden = true;
form.hidden = false;
input.value = new URLSearchParams(location.search).get("q") ?? "";
if (input.value) showResults(input.value);
