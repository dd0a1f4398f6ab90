"""The portal.pages benchmark's nginx configuration (no load, nothing timed)."""

import shutil
import subprocess

import pytest

from gongkai.portal import benchmarks


def test_the_benchmark_uses_the_documented_locations():
    locations = benchmarks._example_locations()
    assert "proxy_cache gongkai;" in locations
    assert "proxy_pass http://gongkai;" in locations
    # Only the HTML is loaded: the static alias of the example is left out.
    assert "/static/" not in locations


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_benchmark_configuration(tmp_path):
    conf = benchmarks.nginx_config(tmp_path, app_port=18001, static_port=18002, front_port=18003)
    done = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
