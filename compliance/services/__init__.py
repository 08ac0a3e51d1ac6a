"""Services: the only code that queries or writes the database. Views, the CLI and the reports
call these; the rules never do."""
