"""Console pages (HTML). Each module defines `router`; `siyu.web.app` includes them all."""
