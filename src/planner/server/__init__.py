"""`planner serve`: the web service — an HTTP API with the CLI's JSON contracts (DESIGN §4) and
server-rendered pages for planners, over the store (`planner.store`), with accounts scoped to a
province or commune and plans run as background jobs.

    from planner.server.app import create_app
    app = create_app("sqlite:///planner.db")     # an ASGI app for uvicorn
"""
