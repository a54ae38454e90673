# cmake -DIN=heapwatch.1 -DOUT=build/heapwatch.1 -DVERSION=x.y.z -P ManPage.cmake
# Copies the man page with the project's version on its .TH line ("heapwatch x.y.z").
file(READ ${IN} page)
string(REGEX REPLACE "(\n\\.TH [^\n]*\"heapwatch )[0-9][^\"]*\"" "\\1${VERSION}\"" page "${page}")
if(NOT page MATCHES "\n\\.TH [^\n]*\"heapwatch ${VERSION}\"")
    message(FATAL_ERROR "${IN}: no .TH line with \"heapwatch VERSION\" to update")
endif()
file(WRITE ${OUT} "${page}")
