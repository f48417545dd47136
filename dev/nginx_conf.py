"""Write nginx's configuration for the portal.

One function writes the *site* (upstream, feed cache, server block), for the
development layout (`dev/serve`) and for production alike; the committed
example `deploy/nginx/haute-garonne.conf` is its production output, and a
test keeps the two in step. The static folders nginx serves are those CKAN
itself serves (its ``public`` folder, the plugins' public folders, the built
web assets), read from the CKAN application that the configuration builds.

    python dev/nginx_conf.py dev OUTPUT        # dev/serve, CKAN_INI and HG_* set
    python dev/nginx_conf.py production        # prints deploy/nginx/haute-garonne.conf

Development environment (all optional except CKAN_INI): HG_DATA_DIR,
HG_DEMO_PORT (nginx's port, 5000), HG_WSGI_BIND (gunicorn's socket),
HG_FEED_CACHE_SECONDS (60), HG_WEB_TIMEOUT (120), HG_NGINX_WORKERS (1).
"""

from __future__ import annotations

import argparse
import os
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Production paths of docs/deploiement.md.
PROD_VENV = "/usr/lib/ckan/default"
PROD_STORAGE = "/var/lib/ckan"


@dataclass
class Site:
    """What differs between a development and a production site."""

    listen: str
    server_name: str
    upstream: str  # gunicorn's bind: unix:/path or 127.0.0.1:PORT
    access_log: str
    cache_dir: str
    feed_cache_seconds: int
    max_body_mb: int
    read_timeout: int  # gunicorn's timeout plus a margin
    static: list[tuple[str, str, bool]]  # (URL path, root folder, is a folder)


def _upstream_server(bind: str) -> str:
    return bind if bind.startswith("unix:") else bind.removeprefix("http://")


def render_site(site: Site) -> str:
    """The site file: what goes in nginx's ``http`` context."""
    statics = []
    for url, root, is_dir in site.static:
        match = f"^~ {url}/" if is_dir else f"= {url}"
        statics.append(
            f"    location {match} {{\n"
            f"        root {root};\n"
            f"        try_files $uri @ckan;\n"
            f"        expires 1h;\n"
            f"        access_log off;\n"
            f"    }}\n"
        )
    feed_headers = _proxy_headers("        ")
    return f"""\
# nginx site of the Haute-Garonne open-data portal: CKAN under gunicorn.
# Written by dev/nginx_conf.py; see docs/deploiement.md for each option.

log_format haute_garonne '$remote_addr - $remote_user [$time_local] "$request" '
                         '$status $body_bytes_sent "$http_referer" "$http_user_agent" '
                         'id=$request_id time=$request_time '
                         'upstream=$upstream_response_time cache=$upstream_cache_status';

# The web processes (gunicorn). fail_timeout=0: never mark them down, a
# worker being replaced is back in a second.
upstream ckan_web {{
    server {_upstream_server(site.upstream)} fail_timeout=0;
}}

# DCAT feeds are cached for a short time: harvesters ask for the whole
# catalogue page by page, often several at once.
proxy_cache_path {site.cache_dir} levels=1:2 keys_zone=haute_garonne_feeds:10m
                 max_size=500m inactive=1h use_temp_path=off;

server {{
    listen {site.listen};
    server_name {site.server_name};
    access_log {site.access_log} haute_garonne;
    server_tokens off;

    # Largest upload: CKAN's ckan.max_resource_size plus the form around it.
    client_max_body_size {site.max_body_mb}m;
    # Uploads are read whole (on disk past 1 MB) before a web process gets
    # them, so a slow connection never holds a process.
    client_body_buffer_size 1m;
    client_body_timeout 60s;
    proxy_request_buffering on;
    proxy_buffering on;
    # Above gunicorn's timeout: gunicorn gives up first, and says so in its log.
    proxy_connect_timeout 5s;
    proxy_send_timeout {site.read_timeout}s;
    proxy_read_timeout {site.read_timeout}s;

    gzip on;
    gzip_proxied any;
    gzip_types text/css application/javascript application/json text/csv
               text/turtle application/rdf+xml application/ld+json text/n3;

{_proxy_headers("    ")}
    location / {{
        proxy_pass http://ckan_web;
    }}

    location @ckan {{
        proxy_pass http://ckan_web;
    }}

    # DCAT feeds: the catalogue, a collectivité's, a dataset's. They show
    # what an anonymous visitor sees whoever asks, so one cached copy serves
    # everybody: cookies and CKAN's no-cache headers are ignored here.
    location ~ ^/(catalog|organization/[^/]+/catalog|[a-z0-9_-]+/[^/]+)\\.(ttl|rdf|xml|jsonld|n3)$ {{
        proxy_pass http://ckan_web;
        proxy_cache haute_garonne_feeds;
        proxy_cache_key $scheme$host$request_uri;
        proxy_cache_valid 200 {site.feed_cache_seconds}s;
        proxy_cache_lock on;
        proxy_cache_use_stale updating error timeout http_502 http_503 http_504;
        proxy_ignore_headers Cache-Control Expires Set-Cookie Vary;
        proxy_hide_header Set-Cookie;
{feed_headers}        add_header X-Cache-Status $upstream_cache_status always;
    }}

    # Static files of CKAN and its plugins, and the built web assets (CKAN
    # writes them on first use: a file not there yet is asked of CKAN).
{"".join(statics)}}}
"""


def _proxy_headers(indent: str) -> str:
    # add_header is inherited only by blocks that have none of their own:
    # the feed location repeats X-Request-ID.
    lines = [
        "proxy_set_header Host $host;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        "# One id per request, in nginx's log, gunicorn's log and the response.",
        "proxy_set_header X-Request-ID $request_id;",
        "add_header X-Request-ID $request_id always;",
    ]
    return "".join(f"{indent}{line}\n" for line in lines)


def render_main(site_text: str, data: Path, log: Path, run: Path, workers: int) -> str:
    """A whole nginx.conf for the development layout, around the site."""
    temp = data / "nginx"
    user = "user www-data www-data;\n" if os.geteuid() == 0 else ""
    temps = "".join(
        f"    {kind}_temp_path {temp / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    site = "".join(f"    {line}\n" if line else "\n" for line in site_text.splitlines())
    return f"""\
# Written by dev/serve at each start: the development layout's nginx.
{user}worker_processes {workers};
pid {run / "nginx.pid"};
error_log {log / "nginx-error.log"} warn;

events {{
    worker_connections 1024;
}}

http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
{temps}
{site}}}
"""


def _static_folders(
    folders: list[str], prefix_from: str = "", prefix_to: str = ""
) -> list[tuple[str, str, bool]]:
    """(URL path, root, is a folder) for each top-level entry of CKAN's static
    folders, the first folder that has an entry winning, as in CKAN."""
    seen: set[str] = set()
    static = []
    for folder in folders:
        if not os.path.isdir(folder):
            continue
        for entry in sorted(os.listdir(folder)):
            if entry in seen or entry.startswith("."):
                continue
            seen.add(entry)
            root = folder
            if prefix_from and root.startswith(prefix_from):
                root = prefix_to + root[len(prefix_from) :]
            path = os.path.join(folder, entry)
            static.append((f"/{entry}", root, os.path.isdir(path)))
    return static


def _ckan() -> dict:
    """What nginx needs to know of the CKAN that CKAN_INI configures."""
    sys.path.insert(0, str(ROOT))
    from ckanext.haute_garonne.wsgi import make_application

    make_application()  # loads the plugins, which add their public folders
    import ckan
    from ckan.common import config
    from ckan.lib.webassets_tools import get_webassets_path

    # The folders CKAN's Flask app serves (ckan/config/middleware/flask_app.py),
    # less its storage folder (uploaded images stay with CKAN) and the empty
    # entry of an unset extra_public_paths.
    public = os.path.join(
        os.path.dirname(ckan.__file__), config["ckan.base_public_folder"]
    )
    folders = [
        f.strip()
        for f in config.get("extra_public_paths", "").split(",")
        + list(config.get("plugin_public_paths", []))
        + [public]
        if f and f.strip()
    ]
    return {
        "folders": [os.path.realpath(f) for f in folders],
        "webassets_path": get_webassets_path(),
        "webassets_url": config["ckan.webassets.url"].rstrip("/"),
        "max_resource_size": int(config["ckan.max_resource_size"]),
    }


def _webassets(url: str, path: str) -> list[tuple[str, str, bool]]:
    # `root` rather than `alias` (try_files and alias do not mix well): the
    # folder must carry the URL's last part, as CKAN's default does.
    if url and os.path.basename(path.rstrip("/")) == url.strip("/"):
        return [(url, os.path.dirname(path.rstrip("/")), True)]
    return []


def dev(output: Path) -> None:
    data = Path(os.environ.get("HG_DATA_DIR") or ROOT / ".data").resolve()
    log, run = data / "log", data / "run"
    facts = _ckan()
    timeout = int(os.environ.get("HG_WEB_TIMEOUT") or 120)
    site = Site(
        listen=f"127.0.0.1:{os.environ.get('HG_DEMO_PORT') or 5000}",
        server_name="_",
        upstream=os.environ.get("HG_WSGI_BIND") or f"unix:{run / 'gunicorn.sock'}",
        access_log=str(log / "nginx-access.log"),
        cache_dir=str(data / "nginx" / "feeds"),
        feed_cache_seconds=int(os.environ.get("HG_FEED_CACHE_SECONDS") or 60),
        max_body_mb=facts["max_resource_size"] + 10,
        read_timeout=timeout + 10,
        static=_static_folders(facts["folders"])
        + _webassets(facts["webassets_url"], facts["webassets_path"]),
    )
    text = render_main(
        render_site(site), data, log, run, int(os.environ.get("HG_NGINX_WORKERS") or 1)
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")


def production() -> str:
    """The committed example, with the paths of docs/deploiement.md."""
    facts = _ckan()
    venv_lib = sysconfig.get_paths()["purelib"]
    prod_lib = venv_lib.replace(sys.prefix, PROD_VENV, 1)
    site = Site(
        listen="80",
        server_name="donnees.haute-garonne.fr",
        upstream="unix:/run/ckan/gunicorn.sock",
        access_log="/var/log/nginx/haute-garonne.access.log",
        cache_dir="/var/cache/nginx/haute-garonne-feeds",
        feed_cache_seconds=60,
        max_body_mb=100 + 10,
        read_timeout=120 + 10,
        static=[
            *_static_folders(facts["folders"], venv_lib, prod_lib),
            (facts["webassets_url"] or "/webassets", PROD_STORAGE, True),
        ],
    )
    return render_site(site)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["dev", "production"])
    parser.add_argument("output", nargs="?", type=Path)
    args = parser.parse_args()
    if args.mode == "dev":
        if args.output is None:
            parser.error("dev needs the OUTPUT file")
        dev(args.output)
    else:
        text = production()
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)


if __name__ == "__main__":
    main()
