"""Run the landgeo command line from QGIS and stream what it says to the Processing feedback.

The command runs in landgeo's own environment: QGIS's Python, GDAL and PROJ settings
(``PYTHONPATH``, ``PYTHONHOME``, ``PROJ_LIB``, ``PROJ_DATA``, ``GDAL_DATA``) are removed from its
environment. Exit status 2 (the input is wrong) becomes the algorithm's error with landgeo's
one-line message; 1 (an internal error) too, with the last lines of the log.
"""

import os
import re
import shutil
import subprocess
import tempfile

from qgis.core import QgsProcessingException

from .words import line_kind, load_words, t

CLI_SETTING = "LANDGEO_CLI"
HERE = os.path.dirname(__file__)
CLI_FILE = os.path.join(HERE, "landgeo_cli.txt")  # written by `landgeo qgis install-plugin`
PROGRESS = re.compile(r"(\d{1,3})%")
QGIS_ONLY = ("PYTHONPATH", "PYTHONHOME", "PROJ_LIB", "PROJ_DATA", "GDAL_DATA", "GDAL_DRIVER_PATH", "QGIS_PREFIX_PATH")


def default_cli():
    """The landgeo command: $LANDGEO_CLI, the path install-plugin recorded, or ``landgeo`` on the PATH."""
    if os.environ.get(CLI_SETTING):
        return os.environ[CLI_SETTING]
    if os.path.isfile(CLI_FILE):
        with open(CLI_FILE, encoding="utf-8") as f:
            path = f.read().strip()
        if path:
            return path
    return shutil.which("landgeo") or "landgeo"


def cli_path():
    """The landgeo command from the provider's setting (Processing options), else :func:`default_cli`."""
    try:
        from processing.core.ProcessingConfig import ProcessingConfig  # optional: QGIS's Processing plugin

        value = ProcessingConfig.getSetting(CLI_SETTING)
    except Exception:  # no processing plugin (e.g. a bare script): use the default
        value = None
    return str(value) if value else default_cli()


def child_env():
    env = {k: v for k, v in os.environ.items() if k not in QGIS_ONLY}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def run_landgeo(args, feedback, *, capture_stdout=False):
    """Run ``landgeo -v ARGS…``; stream its lines to ``feedback``; return its standard output's text.

    Raises QgsProcessingException on exit status 2 (landgeo's message) or any other failure.
    """
    cli = cli_path()
    command = [cli, "-v", *[str(a) for a in args]]
    feedback.pushCommandInfo(" ".join(_quote(c) for c in command))
    out_file = tempfile.TemporaryFile(mode="w+", encoding="utf-8") if capture_stdout else None  # JSON may be long
    try:
        proc = subprocess.Popen(command, stdout=out_file if capture_stdout else subprocess.PIPE,
                                stderr=subprocess.PIPE if capture_stdout else subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, text=True, encoding="utf-8", errors="replace", bufsize=1,
                                env=child_env())
    except OSError as exc:
        raise QgsProcessingException(t(
            "landgeo command not found or not runnable: {cli} ({reason}). Set its path in Processing > Options > "
            "Providers > landgeo (the 'landgeo' executable of the environment landgeo is installed in), "
            "or run `landgeo qgis install-plugin` from that environment.").format(cli=cli, reason=exc)) from exc
    errors, tail, words = [], [], load_words()
    stream = proc.stderr if capture_stdout else proc.stdout
    for line in iter(stream.readline, ""):
        if feedback.isCanceled():
            proc.terminate()
            break
        text = line.rstrip("\n")
        tail = (tail + [text])[-20:]
        kind, message = line_kind(text, words)  # in the run's --lang: landgeo: erreur: …
        if kind == "error":
            errors.append(message)
            feedback.reportError(text, False)
        elif kind == "warning":
            feedback.pushWarning(text) if hasattr(feedback, "pushWarning") else feedback.pushInfo(text)
        else:
            m = PROGRESS.search(text)
            if m and 0 <= int(m.group(1)) <= 100:
                feedback.setProgress(int(m.group(1)))
            feedback.pushConsoleInfo(text)
    code = proc.wait()
    text_out = ""
    if out_file is not None:
        out_file.seek(0)
        text_out = out_file.read()
        out_file.close()
    if feedback.isCanceled():
        raise QgsProcessingException(t("landgeo was cancelled"))
    if code == 2:
        raise QgsProcessingException("; ".join(errors) or t("landgeo refused the input (exit status 2)"))
    if code != 0:
        raise QgsProcessingException(t("landgeo failed (exit status {code}): {output}").format(
            code=code, output="; ".join(errors) or " / ".join(tail[-3:])))
    feedback.setProgress(100)
    return text_out


def _quote(text):
    return f'"{text}"' if (" " in text or not text) else text
