# shellcheck shell=bash
# scripts/services.d/secure_certs.sh — sourced by scripts/services (not run on its own).
# The certificates of `scripts/services secure start`, made with openssl into DIR at each start
# (nothing checked in): a CA; a server cert for 127.0.0.1/localhost; a client cert (mTLS); and for
# the negative tests an expired server cert, a server cert for another host, and a server cert
# from a second CA that no config trusts. Keys are unencrypted PKCS#8 PEM; client.key also exists
# encrypted (client-enc.key, passphrase in client-key.pass) for ssl.key_passphrase.

certs_sign() { # DIR NAME CA SAN [STARTDATE ENDDATE]  -> DIR/NAME.crt, DIR/NAME.key
    local dir="$1" name="$2" ca="$3" san="$4" start="${5:-}" end="${6:-}"
    openssl req -new -newkey rsa:2048 -nodes -keyout "$dir/$name.key" -subj "/CN=$name" \
        -out "$dir/$name.csr" 2>/dev/null
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san" >"$dir/$name.ext"
    if [ -z "$start" ]; then
        openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" -CAkey "$dir/$ca.key" \
            -CAcreateserial -days 30 -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
    else
        # x509 -req cannot back-date; `openssl ca` can (-startdate/-enddate).
        local db="$dir/ca-db-$name"
        mkdir -p "$db"
        : >"$db/index.txt"
        printf '[ca]\ndefault_ca=c\n[c]\ndatabase=%s/index.txt\nnew_certs_dir=%s\nserial=%s/serial\n' \
            "$db" "$db" "$db" >"$db/ca.cnf"
        printf 'default_md=sha256\npolicy=p\ncopy_extensions=none\n[p]\ncommonName=supplied\n' >>"$db/ca.cnf"
        openssl rand -hex 8 >"$db/serial"
        openssl ca -batch -config "$db/ca.cnf" -cert "$dir/$ca.crt" -keyfile "$dir/$ca.key" \
            -startdate "$start" -enddate "$end" -extfile "$dir/$name.ext" \
            -in "$dir/$name.csr" -out "$dir/$name.crt" -notext 2>/dev/null
    fi
    rm -f "$dir/$name.csr" "$dir/$name.ext"
}

certs_make_ca() { # DIR NAME
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$2" \
        -keyout "$1/$2.key" -out "$1/$2.crt" 2>/dev/null
}

certs_make_all() { # DIR
    local dir="$1"
    mkdir -p "$dir"
    certs_make_ca "$dir" ca || die "openssl: making the test CA failed"
    certs_make_ca "$dir" unknown-ca
    certs_sign "$dir" server ca "IP:127.0.0.1,DNS:localhost"
    certs_sign "$dir" client ca "DNS:logship-client"
    certs_sign "$dir" wrong-host ca "DNS:wrong-host.invalid"
    certs_sign "$dir" unknown-ca-server unknown-ca "IP:127.0.0.1,DNS:localhost"
    certs_sign "$dir" expired ca "IP:127.0.0.1,DNS:localhost" 20200101000000Z 20200201000000Z
    openssl rand -hex 12 >"$dir/client-key.pass"
    openssl pkcs8 -topk8 -in "$dir/client.key" -out "$dir/client-enc.key" \
        -passout "file:$dir/client-key.pass" 2>/dev/null
    local f
    for f in server client wrong-host unknown-ca-server expired client-enc; do
        [ -s "$dir/$f.key" ] || die "openssl: $dir/$f.key was not made"
    done
    chmod 600 "$dir"/*.key
}
