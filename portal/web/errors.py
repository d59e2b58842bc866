"""Error pages in the user's language, inside the layout."""
from flask import jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.text.lazy_text import lazy_gettext as _l
from portal.web.csrf import CSRFError

API_PREFIX = "/api/"
MESSAGES = {
    400: (_l("The request could not be understood"),
          _l("Something in the address or the form was not valid. Go back and try again.")),
    403: (_l("You may not see this page"),
          _l("Your account does not give access to this page.")),
    404: (_l("Page not found"),
          _l("If you typed the address, check that it is right. If you followed a link, it may be "
             "out of date.")),
    405: (_l("This action is not possible here"),
          _l("The page does not accept this kind of request. Go back and try again.")),
    413: (_l("The file or the form is too large"),
          _l("The portal accepts at most 10 MB at once. Go back and send a smaller file, for example a "
             "PDF scanned at a lower resolution.")),
    429: (_l("Too many requests"),
          _l("Your connection sent too many requests in a short time. Wait a few minutes, then go back "
             "and try again.")),
    500: (_l("Sorry, there is a problem with the portal"),
          _l("Nothing you entered has been lost. Try again in a few minutes.")),
    "csrf": (_l("The form could not be sent"),
             _l("Your session had expired or the form was sent from another site. We did not save "
                "anything. Go back, reload the page and send the form again.")),
}


def render_error(key, status):
    title, message = MESSAGES[key]
    if request.path.startswith(API_PREFIX):  # a program asked: it reads JSON, as the API's own answers
        return jsonify({"error": {"status": status, "message": str(title)}}), status
    return render_template("errors/error.html", title=title, message=message, status=status), status


def init_app(app):
    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error("csrf", 400)

    @app.errorhandler(HTTPException)
    def _http(error):
        if error.code not in MESSAGES:
            return error
        response = error.get_response()
        body, status = render_error(error.code, error.code)
        if request.path.startswith(API_PREFIX):
            body.headers.update({name: value for name, value in response.headers.items()
                                 if name.lower() in ("allow", "retry-after")})
            body.status_code = status
            return body
        response.set_data(body)
        response.mimetype = "text/html"
        return response

    @app.errorhandler(OverflowError)
    def _no_such_number(error):
        # An id beyond what the database can hold (/staff/people/99999999999999999999): no such thing.
        return render_error(404, 404)

    @app.errorhandler(InternalServerError)
    def _internal(error):
        # Flask has already logged the exception with its traceback.
        return render_error(500, 500)
