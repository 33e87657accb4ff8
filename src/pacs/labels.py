"""Display names and orders shared by figures and the report (no dependencies).

The keys are the identifiers the tables use; tests check they match the
environment's split names and the baselines' policy names.
"""

SPLIT_ORDER = ("in_distribution", "held_out", "held_out_link_goal")
# the reference policies run beside the language models and the training-regime learners on their test
# episodes (pacs.baselines names), in display order
REFERENCE_BASELINES = ("expert", "optimal", "random", "correlational")
# data fusion's policies: the learner, and the fusion expert it imitates
FUSION_POLICIES = ("fusion_learner", "fusion_expert")
SPLIT_LABELS = {
    "in_distribution": "in-distribution",
    "held_out": "held-out DAGs",
    "held_out_link_goal": "held-out link needed",
    "train_subsets": "trained subsets",
    "held_out_subsets": "held-out subsets",
    "deconfounded": "deconfounded test",
    "confounded": "confounded",
}
POLICY_LABELS = {
    "agent": "agent (imitation, intervenes)",
    "agent_no_intervention": "agent, no interventions",
    "agent_random_intervention": "agent, random interventions",
    "optimal": "optimal (knows graph)",
    "expert": "expert",
    "random": "random",
    "correlational": "correlational",
    "observational": "observational",
    "prior": "prior (training mode)",
    "explore_all": "explore all",
    "random_explore": "random explore",
    "follow_colour": "always colour",
    "follow_shape": "always shape",
    "follow_texture": "always texture",
    "without": "without explanations",
    "return-conditioned": "return-conditioned (top quality)",
    "plain imitation": "plain imitation of the mix",
    "expert-subset imitation": "imitation of the expert subset",
    "initial": "initial learner (round 0)",
    "dagger": "DAgger (relabelled own visits)",
    "plain": "plain imitation (same labels)",
    "fusion_learner": "learner (imitates fusion expert)",
    "fusion_expert": "fusion expert",
    "expert text replay": "expert through the text pipeline",
}
# the positive control of the text pipeline (pacs.experiments.language.ExpertTextReplay)
EXPERT_TEXT_REPLAY = "expert text replay"
# return conditioning: learner name (in paths) -> its policy id in the
# tables (ids are printed in verdict sentences, so they are words)
RC_LEARNER_POLICIES = {
    "conditioned": "return-conditioned",
    "plain": "plain imitation",
    "expert_only": "expert-subset imitation",
}
PRETRAINED_LABELS = {"smollm2": "SmolLM2-135M"}  # config name -> display name of a pretrained LM


def pretrained_label(model: str) -> str:
    """Display name of the pretrained LM a config names (a directory: its last part)."""
    return PRETRAINED_LABELS.get(model, model.rstrip("/").rsplit("/", 1)[-1])


def pipeline_lm_policy(explanations: str) -> str:
    """Policy name of the pipeline LM trained with or without Note lines."""
    return f"pipeline LM, {explanations} explanations"


def pretrained_policy(model_label: str, shots: int, explanations: str) -> str:
    """Policy name of a pretrained LM prompted with ``shots`` expert episodes."""
    return f"{model_label}, {shots}-shot, {explanations} explanations"


METRIC_LABELS = {
    "reward_over_optimal": "reward / optimal",
    "optimal_choice": "optimal-choice rate",
    "explore_precision": "exploration precision",
    "explore_recall": "exploration recall",
    "steps_outside_cue": "interventions outside cue",
    "test_correct": "test-trial accuracy",
    "follows_other": "follows a non-latent dimension",
    "dimensions_tried": "dimensions tried in experiments",
    "invalid_actions": "invalid actions per episode",
    "tests_run": "tests run",
    "off_oracle_steps": "tests off the oracle's path",
    "n_interventions": "interventions used",
}


def world_lm_label(corpus: str) -> str:
    """Model name of Experiment 5's pipeline LM trained on its made-up world's ``corpus``."""
    return f"world LM, {corpus}"

# the multiverse's name for the configured run (pacs.claims.multiverse, its specification curves)
CONFIGURED = "configured"
