"""Shared pytest setup: the header names the engine every test runs on."""


def pytest_report_header(config):
    import minikeras.backend as K
    info = K.engine_info()
    gaps = K.unsupported_ops()
    return ['minikeras engine: %s (chosen by %s); %s %s; floatx %s'
            % (K.backend(), K.backend_source(), info.get('implementation'),
               info.get('version'), K.floatx()),
            'unsupported ops: %s' % (', '.join(gaps) if gaps else 'none')]


def _engine_specific_files():
    """tests/backend/test_<engine>_specific.py are collected only under that engine, so
    other lanes neither run nor count them."""
    import os
    import minikeras.backend as K
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'backend')
    names = [n for n in os.listdir(here) if n.startswith('test_') and n.endswith('_specific.py')]
    return [os.path.join('backend', n) for n in names
            if n[len('test_'):-len('_specific.py')] != K.backend()]


def _lane_specific_folders():
    """tests/deploy/ needs the deploy lane's tools (scripts/deploy-setup.sh): only that
    lane (MINIKERAS_LANE=deploy) collects it."""
    import os
    return [] if os.environ.get('MINIKERAS_LANE') == 'deploy' else ['deploy']


collect_ignore = _engine_specific_files() + _lane_specific_folders()
