//! Codes of `swarmproof diff` (SP6000–SP6099): what a deploy of a changed stack does.

crate::declare_codes! {
    MODE_CHANGE = ("SP6001", "diff-mode-change", "error",
        "a service changes between replicated and global mode",
        "`docker stack deploy` updates every existing service with ServiceUpdate, and swarmkit's controlapi refuses a change of mode: \"service mode change is not allowed\". The deploy stops with \"failed to update service <stack>_<name>\"; services handled before it (in Go map order, so any of them) are already updated.\n\nFix: remove the service first (`docker service rm`), or give the new one another name.");
    CHANGED_IN_PLACE = ("SP6002", "diff-secret-changed-in-place", "error",
        "a secret's or config's content changes under the same name",
        "`docker stack deploy` calls SecretUpdate (ConfigUpdate) for a secret (config) that exists, and swarmkit allows changing only its labels: the deploy fails with \"failed to update secret <name>: … only updates to Labels are allowed\" before any service is updated (networks are already created, and with --prune services already removed).\n\nFix: give the new content a new name (`name: app_cert_v2`, or a new key), and remove the old secret once no service uses it.");
    NETWORK_CHANGE_IGNORED = ("SP6003", "diff-network-change-ignored", "warning",
        "a network's options change, but the network exists and is not recreated",
        "`docker stack deploy` creates only the networks that do not exist yet; an existing network of the stack is left as it is, silently, whatever its new driver, options, subnets, `internal` or `attachable` settings. The deploy succeeds and the services keep using the old network.\n\nFix: `docker stack rm` the stack (or remove the network once no service is attached to it) before deploying, or give the changed network a new name.");
    NEW_DEPENDENCY = ("SP6004", "diff-new-dependency", "warning",
        "a service needs a service this deploy creates",
        "`docker stack deploy` creates and updates the stack's services one after the other in Go map order, which is random, and does not wait for any of them. A service that uses another one this deploy creates (named in its environment or command, or in depends_on, which Swarm ignores) can start its new tasks before the new service runs.\n\nFix: deploy the new service first (a stack file with it alone, or `docker service create`), or make the client retry until it answers.");
    NETWORK_SPLIT = ("SP6005", "diff-network-split", "warning",
        "a service and a service it uses move to another network together",
        "During the deploy each service's tasks are replaced by its own rolling update, in no fixed order between services. When a client and the service it uses both move from one network to another, an updated task of one and a not yet updated task of the other share no network, so the client cannot reach the service until both updates are done.\n\nFix: deploy in two steps: first attach both services to the new network as well, then remove the old one.");
    REMOVED = ("SP6006", "diff-service-removed", "info",
        "a service is no longer in the stack file",
        "Without `--prune`, `docker stack deploy` leaves a service that is no longer in the file running as it is; with `--prune` it removes it (before anything else is deployed), and its tasks stop.\n\nThis is information: say `--prune` to `swarmproof diff` when the deploy will use it.");
    DEPLOYED_DIFFERS = ("SP6007", "diff-deployed-differs", "warning",
        "the deployed service does not match the old stack file",
        "The change is computed between the old and the new stack files; the deployed state gives where tasks run and whether an update is under way. Where the deployed service's image or replica count differs from the old file, the service was changed after the old file was deployed (`docker service update`, `scale`), and the prediction compares against the wrong spec.\n\nFix: pass as OLD the files the stack was last deployed from.");
    UPDATE_RESUMED = ("SP6008", "diff-update-resumed", "info",
        "the deploy restarts an update that is paused or under way",
        "Every ServiceUpdate resets the service's UpdateStatus (swarmkit's controlapi), so `docker stack deploy` resumes a paused update and interrupts one under way: the updater starts again with every task whose spec differs from the new one, including tasks left at an older spec by the earlier update, even when the file did not change.");
    IGNORED_OPTION = ("SP6009", "diff-ignored-option", "info",
        "an option changes that docker stack deploy does not send to Swarm",
        "Some Compose keys have no effect on a stack deploy: `build`, `container_name`, `depends_on`, `links` and the other options docker stack deploy ignores, and `env_file`, whose content is compared as part of `environment`. Changing them changes nothing Swarm runs.");
}
