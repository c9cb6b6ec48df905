from typing import Any

from django.apps import AppConfig, apps
from django.contrib.auth.management import create_permissions
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Organisation och loggar")

    def ready(self) -> None:
        # Models can be imported only once the registry is ready, hence here.
        from core.reference_data import reference_data_restore
        from core.roles import roles_sync

        def sync_roles(sender: object, using: str = "default", **kwargs: Any) -> None:
            # post_migrate is sent app by app; make every app's permissions first so roles see them all.
            for app_config in apps.get_app_configs():
                create_permissions(app_config, verbosity=0, using=using)
            roles_sync()
            reference_data_restore()

        post_migrate.connect(sync_roles, sender=self, weak=False, dispatch_uid="core.sync_roles")
