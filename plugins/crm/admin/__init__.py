"""The CRM's screens (Flask-Admin views), one module per concern:

* :mod:`.customers`: customers (contacts inline), contact persons, the contact log;
* :mod:`.classification`: purchase figures and the classification run;
* :mod:`.visits`: return visits 回访 and their planning;
* :mod:`.surveys`: satisfaction survey templates and responses.

The hook ``register_admin_views`` returns :data:`VIEWS`."""
from .classification import PurchaseFigureView
from .customers import ContactLogView, ContactPersonView, CustomerView
from .surveys import SurveyResponseView, SurveyTemplateView
from .visits import ReturnVisitView

#: The screens in menu order.
VIEWS = [CustomerView, ContactPersonView, ContactLogView, ReturnVisitView, SurveyResponseView,
         SurveyTemplateView, PurchaseFigureView]

__all__ = ["VIEWS", "ContactLogView", "ContactPersonView", "CustomerView", "PurchaseFigureView",
           "ReturnVisitView", "SurveyResponseView", "SurveyTemplateView"]
