"""What the API and the console both use to parse and show: path parameters with their limits,
and domain values as both surfaces show them. The console never imports `siyu.web.api`: what it
shares with the API lives here, and the use-cases themselves in the domain packages."""
