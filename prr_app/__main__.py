from prr_app.cli.main import entry

entry()
