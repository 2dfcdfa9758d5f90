"""Shared pytest setup: the header names the engine every test runs on."""


def pytest_report_header(config):
    import minikeras.backend as K
    info = K.engine_info()
    gaps = K.unsupported_ops()
    return ['minikeras engine: %s (chosen by %s); %s %s; floatx %s'
            % (K.backend(), K.backend_source(), info.get('implementation'),
               info.get('version'), K.floatx()),
            'unsupported ops: %s' % (', '.join(gaps) if gaps else 'none')]
