"""``python -m minikeras.backend``: which engine is active, why, and what it cannot do."""
import minikeras.backend as K


def main():
    info = K.engine_info()
    print('engine:          %s' % K.backend())
    print('chosen by:       %s' % K.backend_source())
    print('implementation:  %s %s' % (info.get('implementation', K.backend()),
                                      info.get('version', '?')))
    print('floatx:          %s' % K.floatx())
    print('epsilon:         %g' % K.epsilon())
    print('data format:     %s' % K.image_data_format())
    gaps = K.unsupported_ops()
    print('unsupported ops: %s' % (', '.join(gaps) if gaps else 'none'))


if __name__ == '__main__':
    main()
