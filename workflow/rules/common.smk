import sys
from pathlib import Path

from pacs.config import ConfigError, resolve


configfile: "config.yaml"


try:
    resolved = resolve(
        config,
        Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml",
        workflow.config_settings.overwrite_config,
    )
except ConfigError as error:
    sys.exit(f"pacs: {error}")
config.clear()
config.update(resolved)

SEEDS = config["seeds"]
PACKAGE = Path("src/pacs")


def sources(*modules):
    """Package modules a rule runs, as inputs: editing one reruns that rule."""
    return [str(PACKAGE / module) for module in modules]


def rule_params(*keys):
    """Sub-trees of the config a rule depends on, e.g. 'dag.env'."""
    picked = {}
    for key in keys:
        node = config
        for part in key.split("."):
            node = node[part]
        picked[key] = node
    return picked
