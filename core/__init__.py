"""maeum's platform-free core: domain rules, use cases, ports and outbound adapters."""
