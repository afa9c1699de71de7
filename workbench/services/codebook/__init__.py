"""The codebook: loading, listing, creating and editing codes."""
