//! Storage over HTTP against a real database: every operation authorized by RLS on
//! storage.objects, limits, hostile names, signed and public URLs, and the files on disk
//! kept in step with the rows.

mod harness;

use harness::{Stand, new_user, show, unique};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A bucket named for this test, with per-user folder policies for the commands given:
/// a user may act on `<their id>/…` only.
async fn bucket_with_policies(stand: &Stand, commands: &[&str]) -> String {
    let bucket = format!("b-{}", unique());
    stand
        .sql(&format!(
            "insert into storage.buckets (id, name) values ('{bucket}', '{bucket}')"
        ))
        .await;
    let own_folder = format!(
        "bucket_id = '{bucket}' and (storage.foldername(name))[1] = (select auth.uid())::text"
    );
    for command in commands {
        let clause = match *command {
            "insert" => format!("with check ({own_folder})"),
            "update" => format!("using ({own_folder}) with check ({own_folder})"),
            _ => format!("using ({own_folder})"),
        };
        stand
            .sql(&format!(
                "create policy \"{bucket} {command} own folder\" on storage.objects \
                 for {command} to authenticated {clause}"
            ))
            .await;
    }
    bucket
}

struct Api<'a> {
    stand: &'a Stand,
    http: reqwest::Client,
    token: Option<String>,
}

impl<'a> Api<'a> {
    fn as_user(stand: &'a Stand, user: &str) -> Api<'a> {
        Api {
            stand,
            http: reqwest::Client::new(),
            token: Some(stand.user_token(user, 3600)),
        }
    }

    fn anonymous(stand: &'a Stand) -> Api<'a> {
        Api {
            stand,
            http: reqwest::Client::new(),
            token: None,
        }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = self
            .http
            .request(method, format!("{}/storage/v1{path}", self.stand.url))
            .header("apikey", &self.stand.anon_key);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        request
    }

    async fn upload(
        &self,
        bucket: &str,
        name: &str,
        body: &'static [u8],
        content_type: &str,
        upsert: bool,
    ) -> (StatusCode, Value) {
        let response = self
            .request(reqwest::Method::POST, &format!("/object/{bucket}/{name}"))
            .header("content-type", content_type)
            .header("cache-control", "max-age=3600")
            .header("x-upsert", upsert.to_string())
            .body(body)
            .send()
            .await
            .unwrap();
        (
            response.status(),
            response.json().await.unwrap_or(Value::Null),
        )
    }

    async fn download(&self, bucket: &str, name: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, &format!("/object/{bucket}/{name}"))
            .send()
            .await
            .unwrap()
    }

    async fn json(&self, method: reqwest::Method, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self.request(method, path).json(&body).send().await.unwrap();
        (
            response.status(),
            response.json().await.unwrap_or(Value::Null),
        )
    }

    async fn list(&self, bucket: &str, prefix: &str) -> Value {
        let (status, body) = self
            .json(
                reqwest::Method::POST,
                &format!("/object/list/{bucket}"),
                json!({"prefix": prefix, "limit": 100, "offset": 0, "sortBy": {"column": "name", "order": "asc"}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{}", show(&body));
        body
    }
}

/// The Storage error shape: HTTP 400 with the real status in the body.
fn assert_storage_error(status: StatusCode, body: &Value, status_code: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{}", show(body));
    assert_eq!(body["statusCode"], status_code, "{}", show(body));
    assert!(
        body["message"].is_string() && body["error"].is_string(),
        "{}",
        show(body)
    );
}

fn names(listing: &Value) -> Vec<(String, bool)> {
    listing
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["name"].as_str().unwrap().to_owned(),
                item["id"].is_null(),
            )
        })
        .collect()
}

/// The object files currently stored.
fn stored_files(stand: &Stand) -> usize {
    let objects = stand.data_dir.path().join("storage/objects");
    std::fs::read_dir(objects)
        .map(|shards| {
            shards
                .filter_map(Result::ok)
                .map(|shard| {
                    std::fs::read_dir(shard.path())
                        .map(|files| files.count())
                        .unwrap_or(0)
                })
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn owners_work_in_their_folder_and_nobody_else_sees_it() {
    let stand = Stand::start(|_| {}).await;
    let bucket = bucket_with_policies(&stand, &["insert", "select", "update", "delete"]).await;
    let (alice, bob) = (new_user(), new_user());
    let (a, b) = (Api::as_user(&stand, &alice), Api::as_user(&stand, &bob));

    let (status, body) = a
        .upload(
            &bucket,
            &format!("{alice}/notes/one.txt"),
            b"first",
            "text/plain",
            false,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{}", show(&body));
    assert_eq!(body["Key"], format!("{bucket}/{alice}/notes/one.txt"));
    assert!(body["Id"].is_string());
    // A multipart upload as storage-js sends a Blob.
    let form = reqwest::multipart::Form::new()
        .text("cacheControl", "60")
        .part(
            "",
            reqwest::multipart::Part::bytes(&b"WEBVTT\n"[..])
                .file_name("blob")
                .mime_str("text/vtt")
                .unwrap(),
        );
    let response = a
        .request(
            reqwest::Method::POST,
            &format!("/object/{bucket}/{alice}/notes/two.vtt"),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    b.upload(
        &bucket,
        &format!("{bob}/mine.txt"),
        b"bob's",
        "text/plain",
        false,
    )
    .await;

    let response = a.download(&bucket, &format!("{alice}/notes/two.vtt")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/vtt");
    assert_eq!(response.headers()["cache-control"], "max-age=60");
    assert!(
        response.headers()["etag"]
            .to_str()
            .unwrap()
            .starts_with('"')
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"WEBVTT\n");
    // The `authenticated` spellings of download and info are the same routes, under RLS.
    let path = format!("{bucket}/{alice}/notes/two.vtt");
    let response = a
        .request(
            reqwest::Method::GET,
            &format!("/object/authenticated/{path}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"WEBVTT\n");
    let response = a
        .request(
            reqwest::Method::GET,
            &format!("/object/info/authenticated/{path}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let info: Value = response.json().await.unwrap();
    assert_eq!(info["size"], 7, "{}", show(&info));
    for route in ["authenticated", "info/authenticated"] {
        let response = b
            .request(reqwest::Method::GET, &format!("/object/{route}/{path}"))
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert_storage_error(status, &response.json().await.unwrap(), "404");
    }

    // Listing: folders first with id null, one level at a time, only what RLS shows.
    assert_eq!(
        names(&a.list(&bucket, "").await),
        vec![(alice.clone(), true)]
    );
    assert_eq!(names(&b.list(&bucket, "").await), vec![(bob.clone(), true)]);
    assert_eq!(
        names(&a.list(&bucket, &alice).await),
        vec![("notes".to_owned(), true)]
    );
    let files = a.list(&bucket, &format!("{alice}/notes/")).await;
    assert_eq!(
        names(&files),
        vec![("one.txt".to_owned(), false), ("two.vtt".to_owned(), false)]
    );
    assert_eq!(files[0]["metadata"]["size"], 5);
    assert_eq!(files[0]["metadata"]["mimetype"], "text/plain");
    assert!(
        b.list(&bucket, &format!("{alice}/notes/"))
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Bob can neither read, overwrite, sign nor remove Alice's objects.
    let response = b.download(&bucket, &format!("{alice}/notes/one.txt")).await;
    let status = response.status();
    assert_storage_error(status, &response.json().await.unwrap(), "404");
    let (status, body) = b
        .upload(
            &bucket,
            &format!("{alice}/notes/evil.txt"),
            b"x",
            "text/plain",
            false,
        )
        .await;
    assert_storage_error(status, &body, "403");
    assert_eq!(
        body["message"],
        "new row violates row-level security policy"
    );
    let (status, body) = b
        .json(
            reqwest::Method::POST,
            &format!("/object/sign/{bucket}/{alice}/notes/one.txt"),
            json!({"expiresIn": 60}),
        )
        .await;
    assert_storage_error(status, &body, "404");
    let (status, body) = b
        .json(
            reqwest::Method::DELETE,
            &format!("/object/{bucket}"),
            json!({"prefixes": [format!("{alice}/notes/one.txt")]}),
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!([])));
    assert_eq!(
        a.download(&bucket, &format!("{alice}/notes/one.txt"))
            .await
            .status(),
        StatusCode::OK
    );

    // Anonymous callers get nothing either.
    let anonymous = Api::anonymous(&stand);
    let (status, body) = anonymous
        .upload(
            &bucket,
            &format!("{alice}/x.txt"),
            b"x",
            "text/plain",
            false,
        )
        .await;
    assert_storage_error(status, &body, "403");
    assert!(
        anonymous
            .list(&bucket, "")
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Duplicates need x-upsert; an upsert replaces the bytes and the old file.
    let one = format!("{alice}/notes/one.txt");
    let (status, body) = a.upload(&bucket, &one, b"again", "text/plain", false).await;
    assert_storage_error(status, &body, "409");
    let before = stored_files(&stand);
    let (status, _) = a
        .upload(&bucket, &one, b"second version", "text/plain", true)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored_files(&stand), before);
    assert_eq!(
        a.download(&bucket, &one)
            .await
            .bytes()
            .await
            .unwrap()
            .as_ref(),
        b"second version"
    );

    // Removal returns the rows and deletes the files.
    let (status, removed) = a
        .json(
            reqwest::Method::DELETE,
            &format!("/object/{bucket}"),
            json!({"prefixes": [one, format!("{alice}/notes/two.vtt")]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(removed.as_array().unwrap().len(), 2, "{}", show(&removed));
    assert_eq!(removed[0]["bucket_id"], bucket);
    assert_eq!(stored_files(&stand), before - 2);
    let response = a.download(&bucket, &format!("{alice}/notes/one.txt")).await;
    assert_eq!(response.json::<Value>().await.unwrap()["statusCode"], "404");
    stand.stop().await;
}

#[tokio::test]
async fn upsert_needs_select_and_update_policies_too() {
    let stand = Stand::start(|_| {}).await;
    let bucket = bucket_with_policies(&stand, &["insert", "select"]).await;
    let alice = new_user();
    let a = Api::as_user(&stand, &alice);
    let name = format!("{alice}/doc.txt");
    assert_eq!(
        a.upload(&bucket, &name, b"v1", "text/plain", false).await.0,
        StatusCode::OK
    );
    let (status, body) = a.upload(&bucket, &name, b"v2", "text/plain", true).await;
    assert_storage_error(status, &body, "403");
    assert_eq!(
        a.download(&bucket, &name)
            .await
            .bytes()
            .await
            .unwrap()
            .as_ref(),
        b"v1"
    );
    stand.stop().await;
}

#[tokio::test]
async fn signed_urls_work_without_credentials_for_that_object_only() {
    let stand = Stand::start(|_| {}).await;
    let bucket = bucket_with_policies(&stand, &["insert", "select"]).await;
    let alice = new_user();
    let a = Api::as_user(&stand, &alice);
    let name = format!("{alice}/share me.txt");
    a.upload(&bucket, &name, b"shared", "text/plain", false)
        .await;
    a.upload(
        &bucket,
        &format!("{alice}/other.txt"),
        b"other",
        "text/plain",
        false,
    )
    .await;
    let (status, body) = a
        .json(
            reqwest::Method::POST,
            &format!("/object/sign/{bucket}/{name}"),
            json!({"expiresIn": 60}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{}", show(&body));
    let signed = body["signedURL"].as_str().unwrap();
    assert!(signed.starts_with(&format!("/object/sign/{bucket}/{name}?token=")));

    // No apikey, no Authorization: the token is the credential.
    let plain = reqwest::Client::new();
    let url = format!("{}/storage/v1{}", stand.url, signed.replace(' ', "%20"));
    let response = plain.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"shared");

    let token = signed.split("token=").nth(1).unwrap();
    let other = format!(
        "{}/storage/v1/object/sign/{bucket}/{alice}/other.txt?token={token}",
        stand.url
    );
    let response = plain.get(&other).send().await.unwrap();
    let status = response.status();
    assert_storage_error(status, &response.json().await.unwrap(), "400");
    let tampered = format!(
        "{}/storage/v1/object/sign/{bucket}/{alice}/share%20me.txt?token={token}x",
        stand.url
    );
    let response = plain.get(&tampered).send().await.unwrap();
    let status = response.status();
    assert_storage_error(status, &response.json().await.unwrap(), "400");
    let response = plain
        .get(format!(
            "{}/storage/v1/object/sign/{bucket}/{alice}/share%20me.txt",
            stand.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let (status, body) = a
        .json(
            reqwest::Method::POST,
            &format!("/object/sign/{bucket}/{name}"),
            json!({"expiresIn": 0}),
        )
        .await;
    assert_storage_error(status, &body, "400");
    stand.stop().await;
}

#[tokio::test]
async fn size_and_mime_limits_of_the_bucket_and_the_project() {
    let stand = Stand::start(|settings| settings.storage.file_size_limit = 64).await;
    let limited = bucket_with_policies(&stand, &["insert", "select"]).await;
    stand
        .sql(&format!(
            "update storage.buckets set file_size_limit = 10, \
             allowed_mime_types = array['text/plain', 'image/*'] where id = '{limited}'"
        ))
        .await;
    let open = bucket_with_policies(&stand, &["insert", "select"]).await;
    let alice = new_user();
    let a = Api::as_user(&stand, &alice);

    let (status, body) = a
        .upload(
            &limited,
            &format!("{alice}/big.txt"),
            b"01234567890",
            "text/plain",
            false,
        )
        .await;
    assert_storage_error(status, &body, "413");
    assert_eq!(
        body["message"],
        "The object exceeded the maximum allowed size"
    );
    let (status, _) = a
        .upload(
            &limited,
            &format!("{alice}/ok.txt"),
            b"0123456789",
            "text/plain;charset=UTF-8",
            false,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = a
        .upload(
            &limited,
            &format!("{alice}/pic.png"),
            b"png",
            "image/png",
            false,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = a
        .upload(
            &limited,
            &format!("{alice}/doc.pdf"),
            b"%PDF",
            "application/pdf",
            false,
        )
        .await;
    assert_storage_error(status, &body, "415");
    assert_eq!(body["error"], "invalid_mime_type");

    // The project-wide limit applies to buckets without their own.
    let (status, body) = a
        .upload(
            &open,
            &format!("{alice}/65.bin"),
            &[7u8; 65],
            "application/octet-stream",
            false,
        )
        .await;
    assert_storage_error(status, &body, "413");
    let (status, _) = a
        .upload(
            &open,
            &format!("{alice}/64.bin"),
            &[7u8; 64],
            "application/octet-stream",
            false,
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Without a Content-Length (chunked) and in multipart, the stream itself is counted.
    let before = stored_files(&stand);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..10).map(|_| Ok(vec![1u8; 10])).collect();
    let response = a
        .request(
            reqwest::Method::POST,
            &format!("/object/{open}/{alice}/chunked.bin"),
        )
        .header("content-type", "application/octet-stream")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert_storage_error(status, &response.json().await.unwrap(), "413");
    let form = reqwest::multipart::Form::new().part(
        "",
        reqwest::multipart::Part::bytes(vec![1u8; 100]).file_name("blob"),
    );
    let response = a
        .request(
            reqwest::Method::POST,
            &format!("/object/{open}/{alice}/multi.bin"),
        )
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert_storage_error(status, &response.json().await.unwrap(), "413");
    assert_eq!(stored_files(&stand), before);
    let temporary = std::fs::read_dir(stand.data_dir.path().join("storage/tmp"))
        .unwrap()
        .count();
    assert_eq!(temporary, 0);
    stand.stop().await;
}

#[tokio::test]
async fn public_buckets_are_readable_without_credentials() {
    let stand = Stand::start(|_| {}).await;
    let public = bucket_with_policies(&stand, &["insert"]).await;
    stand
        .sql(&format!(
            "update storage.buckets set public = true where id = '{public}'"
        ))
        .await;
    let private = bucket_with_policies(&stand, &["insert"]).await;
    let alice = new_user();
    let a = Api::as_user(&stand, &alice);
    let name = format!("{alice}/logo.txt");
    a.upload(&public, &name, b"public", "text/plain", false)
        .await;
    a.upload(&private, &name, b"private", "text/plain", false)
        .await;
    let plain = reqwest::Client::new();
    let response = plain
        .get(format!(
            "{}/storage/v1/object/public/{public}/{name}",
            stand.url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"public");
    let response = plain
        .get(format!(
            "{}/storage/v1/object/public/{private}/{name}",
            stand.url
        ))
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert_storage_error(status, &response.json().await.unwrap(), "404");
    stand.stop().await;
}

#[tokio::test]
async fn refuses_tokens_that_do_not_verify() {
    let stand = Stand::start(|_| {}).await;
    let bucket = bucket_with_policies(&stand, &["insert", "select"]).await;
    let forged = supabase_local::jwt::Jwt::new("another-secret-that-is-at-least-32-characters")
        .sign(&json!({"role": "service_role", "exp": supabase_local::jwt::now_unix() + 60}));
    let response = reqwest::Client::new()
        .post(format!("{}/storage/v1/object/list/{bucket}", stand.url))
        .header("apikey", &stand.anon_key)
        .bearer_auth(forged)
        .json(&json!({"prefix": ""}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert_storage_error(status, &response.json().await.unwrap(), "403");
    stand.stop().await;
}

/// Send a request with a path exactly as written (no client-side normalization).
async fn raw_post(stand: &Stand, path: &str, token: &str) -> (u16, Value) {
    let address = stand.url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\napikey: {}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: text/plain\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx",
        stand.anon_key
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response);
    let status = text[9..12].parse().unwrap();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn hostile_object_names_are_refused_and_nothing_is_written() {
    let stand = Stand::start(|_| {}).await;
    let bucket = bucket_with_policies(&stand, &["insert", "select"]).await;
    let alice = new_user();
    let token = stand.user_token(&alice, 3600);
    let long = "a".repeat(1025 - alice.len() - 1);
    // Security case 58, percent-encoded as a client would put them on the wire.
    for name in [
        format!("{alice}/../a"),
        format!("{alice}/%2e%2e/a"),
        format!("{alice}/./b"),
        format!("{alice}/a%5Cb"),
        format!("%2F{alice}/abs"),
        format!("/{alice}/abs"),
        format!("{alice}/a%E2%80%AEtxt.exe"),
        format!("{alice}/a%E2%80%8Bb"),
        format!("{alice}/a%00b"),
        format!("{alice}/a%0Ab"),
        format!("{alice}/{long}"),
        format!("{alice}/a%25b"),
    ] {
        let (status, body) = raw_post(
            &stand,
            &format!("/storage/v1/object/{bucket}/{name}"),
            &token,
        )
        .await;
        assert_eq!(status, 400, "{name}: {}", show(&body));
        assert_eq!(body["statusCode"], "400", "{name}: {}", show(&body));
        assert_eq!(body["code"], "InvalidKey", "{name}: {}", show(&body));
    }
    // The same route accepts an ordinary name, so the refusals above are about the names.
    let (status, body) = raw_post(
        &stand,
        &format!("/storage/v1/object/{bucket}/{alice}/fine%20name.txt"),
        &token,
    )
    .await;
    assert_eq!(status, 200, "{}", show(&body));
    assert_eq!(stored_files(&stand), 1);
    let rows: i64 = stand
        .db
        .query_one(
            "select count(*) from storage.objects where bucket_id = $1",
            &[&bucket],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(rows, 1);
    stand.stop().await;
}

/// A refused upload is read to its end before the error goes out: a client still sending its
/// body gets the error, not a broken pipe (Node's fetch fails with EPIPE otherwise). The body
/// comes in three pieces with pauses; the answer must not arrive before the last piece.
#[tokio::test]
async fn refused_uploads_are_read_to_the_end_before_the_answer() {
    use futures_util::StreamExt;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let stand = Stand::start(|_| {}).await;
    let bucket = bucket_with_policies(&stand, &["insert", "select"]).await;
    stand
        .sql(&format!(
            "update storage.buckets set allowed_mime_types = array['text/plain'] where id = '{bucket}'"
        ))
        .await;
    let (alice, bob) = (new_user(), new_user());
    let a = Api::as_user(&stand, &alice);
    for (name, content_type, expected) in [
        (format!("{alice}/pic.png"), "image/png", "415"),
        (format!("{bob}/planted.txt"), "text/plain", "403"),
    ] {
        let boundary = "refused-upload-boundary";
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"cacheControl\"\r\n\r\n3600\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"\"; filename=\"blob\"\r\n\
             Content-Type: {content_type}\r\n\r\n"
        );
        let tail = format!("\r\n--{boundary}--\r\n");
        let finished = Arc::new(AtomicBool::new(false));
        let last_piece_sent = finished.clone();
        let pieces = futures_util::stream::iter(0..4).then(move |piece| {
            let (head, tail, last_piece_sent) =
                (head.clone(), tail.clone(), last_piece_sent.clone());
            async move {
                let bytes = match piece {
                    0 => head.into_bytes(),
                    1 | 2 => {
                        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                        vec![b'x'; 64 * 1024]
                    }
                    _ => {
                        last_piece_sent.store(true, Ordering::SeqCst);
                        tail.into_bytes()
                    }
                };
                Ok::<_, std::io::Error>(bytes)
            }
        });
        let response = a
            .request(reqwest::Method::POST, &format!("/object/{bucket}/{name}"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(reqwest::Body::wrap_stream(pieces))
            .send()
            .await
            .expect("the client gets an answer, not a broken connection");
        assert!(
            finished.load(Ordering::SeqCst),
            "{name}: answered before the body was sent"
        );
        // And no client reuses the connection of a refused write.
        assert_eq!(response.headers()["connection"], "close");
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_storage_error(status, &body, expected);
    }
    assert_eq!(a.list(&bucket, &alice).await, json!([]));
    stand.stop().await;
}

/// What a crash can leave behind is cleaned up at start-up: temporary files, and version files
/// that no row refers to once they are old enough (a younger one may be an upload between its
/// rename and its commit). The files of stored objects stay.
#[tokio::test]
async fn start_up_removes_what_a_crash_left_and_keeps_stored_objects() {
    use std::time::{Duration, SystemTime};

    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_path_buf();
    let same_folder = |folder: std::path::PathBuf| {
        move |settings: &mut supabase_local::settings::Settings| {
            settings.data_dir = folder;
        }
    };
    let stand = Stand::start(same_folder(data_dir.clone())).await;
    let bucket = bucket_with_policies(&stand, &["insert", "select"]).await;
    let alice = new_user();
    let name = format!("{alice}/kept.txt");
    let (status, body) = Api::as_user(&stand, &alice)
        .upload(&bucket, &name, b"kept bytes", "text/plain", false)
        .await;
    assert_eq!(status, StatusCode::OK, "{}", show(&body));
    stand.stop().await;

    // As after a crash: every stored file an hour old, plus an old and a young orphan and a
    // half-written temporary file.
    let objects = data_dir.join("storage/objects");
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let age = |path: &std::path::Path| {
        std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|file| file.set_modified(an_hour_ago))
            .unwrap();
    };
    let mut stored = Vec::new();
    for shard in std::fs::read_dir(&objects).unwrap() {
        for file in std::fs::read_dir(shard.unwrap().path()).unwrap() {
            stored.push(file.unwrap().path());
        }
    }
    assert_eq!(stored.len(), 1, "{stored:?}");
    age(&stored[0]);
    let version_file = |content: &[u8]| {
        let name = uuid::Uuid::new_v4().simple().to_string();
        let shard = objects.join(&name[..2]);
        std::fs::create_dir_all(&shard).unwrap();
        let path = shard.join(name);
        std::fs::write(&path, content).unwrap();
        path
    };
    let old_orphan = version_file(b"old orphan");
    age(&old_orphan);
    let young_orphan = version_file(b"young orphan");
    let half_written = data_dir.join("storage/tmp/0123.part");
    std::fs::write(&half_written, b"half an upl").unwrap();

    let stand = Stand::start(same_folder(data_dir.clone())).await;
    assert!(
        !half_written.exists(),
        "temporary files are removed before serving"
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while old_orphan.exists() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the old orphan was not swept within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        young_orphan.exists(),
        "a young file may be an upload in flight"
    );
    assert!(stored[0].exists(), "a referenced version is kept");
    let response = Api::as_user(&stand, &alice).download(&bucket, &name).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "kept bytes");
    stand.stop().await;
}
