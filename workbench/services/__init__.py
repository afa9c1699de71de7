"""Services: the operations users perform, over the store. No Textual here."""
