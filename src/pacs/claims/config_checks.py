"""What a claim adds to the config's start-up checks (``pacs.config``): its ``ClaimConfig``.

A claim's spec (``pacs.claims.spec.Claim.config``) says where the model of its learners is
(the shared ``model`` overlaid with a section of its own) and which relations between its
keys must hold before any job runs. A check reads the whole config and yields problems,
``(key, what is wrong)``; ``pacs.config`` reports the first one as a one-line error naming
the key. The helpers below are the checks several claims share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

Problem = tuple[str, str]  # (dotted config key, what is wrong with it)
Check = Callable[[Mapping], Iterable[Problem]]


@dataclass(frozen=True)
class ClaimConfig:
    """One claim's part of the config checks.

    model: the dotted key of the overlay of the shared ``model`` its learners use (``"model"``:
        the shared model itself; None: the claim trains no learner). Every such model is checked
        for whole attention heads, and budgets and sweeps scale it (``pacs.config.overlaid_model``).
    relations: checks of relations between values, run at start-up and for every multiverse universe.
    inputs: checks of the files the config names, run once at start-up.
    """

    model: str | None = None
    relations: tuple[Check, ...] = ()
    inputs: tuple[Check, ...] = ()


def training_batch(config: Mapping, train_key: str | None = None) -> tuple[str, int]:
    """The batch a learner trains with and the key that sets it: ``<train_key>.batch_size``
    where its training overlay (``train_key``, a dotted key) sets one, else ``train.batch_size``."""
    overlay = {}
    if train_key:
        overlay = config
        for part in train_key.split("."):
            overlay = overlay[part]
    if "batch_size" in overlay:
        return f"{train_key}.batch_size", overlay["batch_size"]
    return "train.batch_size", config["train"]["batch_size"]


def batch_fits(config: Mapping, train_key: str | None, set_key: str, n_train: int) -> Iterator[Problem]:
    """No training batch is larger than the training set it samples from (``set_key``, of
    ``n_train`` items): a typo that would silently multiply the training time."""
    key, size = training_batch(config, train_key)
    if size > n_train:
        yield key, f"{size} is larger than the training set it samples from ({set_key} = {n_train})"


def picked(key: str, choice, values) -> Iterator[Problem]:
    """A verdict choice that picks a numbered condition (an int; a word such as ``fewest``
    picks by rule) names one that is run (``values``)."""
    if isinstance(choice, int) and choice not in values:
        yield key, f"{choice} is not among the conditions run ({sorted(values)})"


def reference_not_beaten(config: Mapping, section: str) -> Iterator[Problem]:
    """A beat-and-approach rule (``<section>.verdict``) does not list its reference among
    the baselines it must beat."""
    rule = config[section]["verdict"]
    if rule["reference"] in rule["must_beat"]:
        yield (f"{section}.verdict.must_beat",
               f"holds {rule['reference']!r}, the rule's reference ({section}.verdict.reference)")


def _kind(value) -> str:
    """What a default value asks of the value given in its place, in words."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    return {str: "a string", list: "a list", dict: "a mapping"}.get(type(value), "")


def _fits(value, default) -> bool:
    """Whether ``value`` is of the kind its default is (a whole number passes for a number; a
    boolean is no number; a default of None or of another type takes anything)."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) == isinstance(default, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    if isinstance(default, (int, str, list, dict)):
        return isinstance(value, type(default))
    return True


def _compare(key: str, value, default) -> Iterator[Problem]:
    if not _fits(value, default):
        yield key, f"{value!r} is not {_kind(default)} (its default is {default!r})"
    elif isinstance(default, dict):
        for name, given in value.items():
            if name not in default:
                yield f"{key}.{name}", f"unknown key (allowed here: {', '.join(sorted(default))})"
            else:
                yield from _compare(f"{key}.{name}", given, default[name])


def matches_defaults(section: str, defaults: Mapping) -> Check:
    """The check of a claim section whose defaults the claim's module declares
    (``Claim.config_defaults``), as the schema checks config.yaml's sections: every key under
    ``config[section]`` is one the defaults name, and each value is of its default's kind (a
    number where the default is one, a list where it is a list, ...). The claim's own relations
    check the rest (a margin above 0, ...)."""

    def check(config: Mapping) -> Iterator[Problem]:
        # every claim section may set its own ``seeds`` (pacs.config.claim_seeds checks them)
        own = config[section]
        own = {key: value for key, value in own.items() if key != "seeds"} if isinstance(own, Mapping) else own
        yield from _compare(section, own, dict(defaults))

    return check
