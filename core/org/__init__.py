"""The organisation of each company: departments, posts, employees, named
responsibilities and the sign-offs given as them (D-14: company data).

* :mod:`core.org.models`: ``Department`` (a tree with a head), ``Post``,
  ``Employee`` (工号, department, post, optional login),
  ``ResponsibilityHolder``, ``Signoff``;
* :mod:`core.org.responsibilities`: ``Responsibility`` declared with the
  ``register_responsibilities`` hook, :func:`holders`, :func:`holds`;
* :mod:`core.org.people`: the employee behind a login, a department's
  subtree, the logins (or, for an org-owned model, the records) a KPI
  counts for a department or an employee,
  :class:`OrgOwnedMixin` (a record's department and responsible employee),
  "my department", :func:`responsible_users` (whom reminders go to);
* :mod:`core.org.signoffs`: sign-offs of workflow transitions and the
  signature boxes of printed forms;
* :mod:`core.org.schemas`: the import columns of departments and employees.
"""
from core.org.models import Department, Employee, Post, ResponsibilityHolder, Signoff
from core.org.responsibilities import (CORE_RESPONSIBILITIES, Responsibility, ResponsibilityRegistry, held_by,
                                       holder_users, holders, holds, responsibility)
from core.org.people import (OrgOwnedMixin, department_ids_under, employee_of, my_department_clause,
                             my_records_clause, of_subject, org_owned, responsible_users, subject_clause,
                             subject_user_ids)
from core.org.signoffs import record_signoff, signature_boxes, signoffs_of

__all__ = ["Department", "Employee", "Post", "ResponsibilityHolder", "Signoff", "CORE_RESPONSIBILITIES",
           "Responsibility", "ResponsibilityRegistry", "held_by", "holder_users", "holders", "holds", "responsibility",
           "employee_of", "department_ids_under", "subject_user_ids", "subject_clause", "of_subject", "org_owned", "OrgOwnedMixin",
           "my_department_clause", "my_records_clause", "responsible_users",
           "record_signoff", "signature_boxes", "signoffs_of"]
