"""The register exchange format, version 1 (../shared/spec/register-format.md): mapping between
documents and models, and validation. Pure code: the services do the reading and writing."""
