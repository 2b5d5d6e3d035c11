//! Codes of the suppression mechanism itself (SP002x: they concern swarmproof's own input).

crate::declare_codes! {
    UNUSED_SUPPRESSION = ("SP0020", "unused-suppression", "warning", "a suppression matches no finding",
        "A `# swarmproof-ignore CODE` comment, an `ignore:` entry of `x-swarmproof` or an ignore of the configuration file (`.swarmproof.yml`, `--config`) names a code that no finding of its scope has. The finding it was written for is gone (fixed, or moved out of the comment's lines), or the code is misspelt, so the suppression now hides nothing but could hide a future finding nobody looked at. It is reported only when the check owning the code ran to a conclusion (`holds` or `violated`): a suppression of a placement code is not unused when the placement check was skipped for want of an inventory.\n\nFix: delete the suppression, or correct its code or its place.");
    INVALID_SUPPRESSION = ("SP0021", "invalid-suppression", "warning", "a suppression or configuration entry cannot be read",
        "A `# swarmproof-ignore` comment without a code, an unknown code, an `x-swarmproof: {ignore: ...}` that is not a list of codes, or an entry of the configuration file swarmproof does not know. docker stack deploy never reads these, so nothing breaks the deploy; the entry is skipped and the finding it meant to hide stays reported.\n\nFix: write `# swarmproof-ignore SP3002 -- reason` (codes by id or name, separated by commas), or correct the entry as the message says.");
}
