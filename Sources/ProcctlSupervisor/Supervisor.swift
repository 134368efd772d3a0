import ProcctlCore
import ProcctlStore

/// Placeholder: the run loop of `procctl up` (issue 3).
public enum SupervisorPlaceholder {}
